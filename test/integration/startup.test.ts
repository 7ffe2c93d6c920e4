/** Start-up behaviour of the built entry: key checks, selection errors, --help, --version. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startRecordingServer } from '../helpers/recording-server.js';
import { MAIN, startStdio } from '../helpers/stdio.js';

function run(env: Record<string, string>, args: string[] = []) {
  const res = spawnSync(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    input: '',
    encoding: 'utf8',
    timeout: 15_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

describe('stdio start-up', () => {
  it('missing G8_API_KEY: one clear line, exit 1, nothing on stdout', () => {
    const r = run({});
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/G8_API_KEY is not set/);
  });

  it('a JWT is refused locally before any request, without echoing it', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJlLXNlY3JldA';
    // Port 9 (discard) is never contacted: the refusal happens before any request.
    const r = run({ G8_API_KEY: jwt, G8_API_URL: 'http://127.0.0.1:9' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('JWT token provided instead of API key');
    expect(r.stderr + r.stdout).not.toContain(jwt);
  });

  it.each([
    ['Bearer + JWT', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJlLXNlY3JldA'],
    ['5-part JWE', 'eyJhbGciOiJSU0EtT0FFUCJ9.c2VjcmV0a2V5.aXZpdml2.Y2lwaGVydGV4dA.dGFndGFn'],
    ['JWE not starting eyJ', 'aGVhZGVy.c2VjcmV0a2V5.aXZpdml2.Y2lwaGVydGV4dA.dGFndGFn'],
    ['JWT with = padding', 'aGVhZGVyMQ==.cGF5bG9hZA==.c2lnbmF0dXJlLXNlY3JldA=='],
    ['a bare eyJ token', 'eyJzdWIiOiJhZGEiLCJleHAiOjE3MDAwMDAwMDB9'],
  ])('%s is refused locally with the JWT message, without echoing it', (_name, token) => {
    const r = run({ G8_API_KEY: token, G8_API_URL: 'http://127.0.0.1:9' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('JWT token provided instead of API key');
    expect(r.stderr + r.stdout).not.toContain(token.replace(/^Bearer /, '').slice(0, 16));
  });

  it('"Bearer <key>" is used as the key alone, with a warning that never echoes it', async () => {
    const key = 'g8_test_bearer_0123456789abcdef';
    const backend = await startRecordingServer();
    const session = await startStdio({
      G8_API_KEY: `Bearer ${key}`,
      G8_API_URL: backend.url,
      G8_PACE: 'off',
    });
    try {
      await session.client.callTool({ name: 'g8_search_contacts', arguments: {} });
      const auth = backend.requests.map((req) => req.headers.authorization);
      expect(auth.length).toBeGreaterThan(0);
      for (const a of auth) expect(a).toBe(`Bearer ${key}`);
      expect(session.stderr()).toMatch(/G8_API_KEY starts with "Bearer "/);
      expect(session.stderr()).not.toContain(key);
    } finally {
      await session.close();
      await backend.close();
    }
  });

  it.each([
    { G8_MCP_MODE: 'all' },
    { G8_MCP_MODE: 'all', G8_DISCOVERY: 'off' },
    { G8_MCP_MODE: 'gtm' },
    { G8_MCP_MODE: 'dev', G8_READ_ONLY: 'true' },
  ])('the ready log states how many tools tools/list returns: %o', async (env) => {
    const backend = await startRecordingServer();
    const session = await startStdio({
      G8_API_KEY: 'g8_test_readycount',
      G8_API_URL: backend.url,
      G8_SCOPE_FILTER: 'off',
      G8_LOG_LEVEL: 'info',
      ...env,
    });
    try {
      const { tools } = await session.client.listTools();
      const ready = session
        .stderr()
        .split('\n')
        .map((line) => (line.startsWith('{') ? (JSON.parse(line) as { msg?: string; tools?: number }) : {}))
        .find((entry) => entry.msg === 'g8-mcp-server ready on stdio');
      expect(ready?.tools).toBe(tools.length);
    } finally {
      await session.close();
      await backend.close();
    }
  });

  it.each([
    [{ G8_MCP_MODE: 'sales' }, /Invalid G8_MCP_MODE: expected one of dev, gtm, all/],
    [{ G8_TOOLSETS: 'inbox,bogus' }, /Unknown toolset "bogus". Valid toolsets: contacts, companies/],
    [{ G8_TOOLS: 'g8_nope' }, /Unknown tool "g8_nope" in mode all. Valid tools: g8_search_contacts/],
    [{ G8_MCP_MODE: 'gtm', G8_TOOLS: 'g8_status' }, /Unknown tool "g8_status" in mode gtm/],
    [{ G8_READ_ONLY: 'maybe' }, /Invalid G8_READ_ONLY: expected true or false/],
  ])('bad selection %o stops start-up with one line listing valid values', (env, pattern) => {
    const r = run({ G8_API_KEY: 'g8_test_abc', ...env });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toContain('g8_test_abc');
  });

  it('--version prints the package version', () => {
    const r = run({}, ['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('--help lists modes, settings and sub-commands', () => {
    const r = run({}, ['--help']);
    expect(r.code).toBe(0);
    for (const word of [
      'dev',
      'gtm',
      'all',
      'G8_API_KEY',
      'G8_API_URL',
      'G8_TOOLSETS',
      'G8_READ_ONLY',
      'sandbox',
    ]) {
      expect(r.stdout).toContain(word);
    }
  });
});
