/**
 * `g8-mcp-server sandbox` as the entry point calls it (src/entry/sandbox.ts): flag and environment
 * parsing, --print-key (only the key on stdout, stable across runs), serving until SIGTERM with a
 * clean close, and the one line a server without the g8-sandbox package prints.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSandbox } from '../../packages/sandbox/src/index.js';
import {
  dbPathOf,
  MISSING_SANDBOX,
  runSandboxCli,
  sandboxOptions,
  sandboxSettings,
} from '../../src/entry/sandbox.js';
import { ConfigError, UsageError } from '../../src/platform/errors.js';

describe('sandbox CLI', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'g8-sandbox-cli-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  function captureStdout(): string[] {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    return out;
  }

  it('reads its flags over G8_SANDBOX_*, from the settings table, and refuses bad input naming it', () => {
    const { settings } = sandboxSettings({}, []);
    expect(settings).toMatchObject({ sandboxPort: 8808, sandboxHost: '127.0.0.1' });
    expect(settings.sandboxPrintKey).toBeFalsy();
    expect(dbPathOf(settings.sandboxDb)).toBe(join(process.cwd(), '.data', 'sandbox.db'));
    expect(
      sandboxSettings({ G8_SANDBOX_PORT: '9100' }, [
        '--port',
        '0',
        '--host=0.0.0.0',
        '--db',
        ':memory:',
        '--print-key',
      ]).settings,
    ).toMatchObject({ sandboxPort: 0, sandboxHost: '0.0.0.0', sandboxDb: ':memory:', sandboxPrintKey: true });
    expect(dbPathOf(':memory:')).toBe(':memory:');
    expect(() => sandboxSettings({}, ['--port', '70000'])).toThrow(/^Invalid --port: /);
    expect(() => sandboxSettings({}, ['--port'])).toThrow(/--port needs a value/);
    expect(() => sandboxSettings({}, ['--verbose'])).toThrow(
      'Unknown option --verbose. Run g8-mcp-server sandbox --help for the options.',
    );
    expect(() => sandboxSettings({}, ['--nope'])).toThrow(UsageError);
  });

  it('turns rate limits, scope mode and OAuth settings into startSandbox options', () => {
    expect(sandboxOptions(sandboxSettings({}, []).settings)).toEqual({
      rateLimit: { perSecond: 50, perMinute: 1000 },
      scopeMode: 'enforce',
      oauth: { accessTokenTtlSec: 3600, extraRedirects: [] },
    });
    const env = {
      G8_SANDBOX_OAUTH_TOKEN_TTL: '60',
      G8_SANDBOX_OAUTH_REDIRECTS: 'https://a.example/cb, ,https://b.example/cb',
      G8_SANDBOX_RATE_PER_SECOND: '7',
      G8_SANDBOX_SCOPE_MODE: 'soak',
    };
    expect(sandboxOptions(sandboxSettings(env, []).settings)).toEqual({
      rateLimit: { perSecond: 7, perMinute: 1000 },
      scopeMode: 'soak',
      oauth: { accessTokenTtlSec: 60, extraRedirects: ['https://a.example/cb', 'https://b.example/cb'] },
    });
    expect(() => sandboxSettings({ G8_SANDBOX_SCOPE_MODE: 'lenient' }, [])).toThrow(
      /^Invalid G8_SANDBOX_SCOPE_MODE: expected one of enforce, soak/,
    );
    expect(() => sandboxSettings({ G8_SANDBOX_RATE_PER_SECOND: '0' }, [])).toThrow(ConfigError);
    expect(() => sandboxSettings({ G8_SANDBOX_RATE_PER_MINUTE: '1.5' }, [])).toThrow(
      /G8_SANDBOX_RATE_PER_MINUTE/,
    );
    expect(() => sandboxSettings({ G8_SANDBOX_OAUTH_TOKEN_TTL: 'soon' }, [])).toThrow(
      /G8_SANDBOX_OAUTH_TOKEN_TTL/,
    );
  });

  it('the demo takes --port and --db of the sandbox settings, and nothing else', () => {
    const only = ['sandboxPort', 'sandboxDb'] as const;
    expect(sandboxSettings({ G8_SANDBOX_PORT: '9100' }, ['--db', 'x.db'], only).settings).toEqual({
      sandboxPort: 9100,
      sandboxDb: 'x.db',
    });
    expect(() => sandboxSettings({}, ['--host', 'x'], only)).toThrow(/Unknown option --host/);
  });

  it('a server without the g8-sandbox package says in one line how to get it, and exits 1', () => {
    // The bundled bin alone, where no node_modules can resolve g8-sandbox.
    const lone = join(dir, 'lone');
    cpSync(new URL('../../dist/bundle', import.meta.url), lone, { recursive: true });
    const run = spawnSync(process.execPath, [join(lone, 'main.js'), 'sandbox', '--port', '0'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`g8-mcp-server: ${MISSING_SANDBOX}\n`);
    expect(MISSING_SANDBOX).toContain('npm install -g g8-sandbox');
  });

  it('--print-key prints only the demo key, the same one on every run, and creates the directory', async () => {
    const db = join(dir, 'deep', 'er', 'sandbox.db');
    const out = captureStdout();
    await runSandboxCli(['--db', db, '--print-key']);
    await runSandboxCli(['--db', db, '--print-key']);
    vi.restoreAllMocks();
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^g8_test_[A-Za-z0-9_-]{40}\n$/);
    expect(out[1]).toBe(out[0]);
    expect(existsSync(db)).toBe(true);
    // The printed key is the one a started sandbox serves.
    const sb = await startSandbox({ port: 0, dbPath: db, log: () => {} });
    try {
      expect(`${sb.demoKey}\n`).toBe(out[0]);
    } finally {
      await sb.close();
    }
  });

  it('serves, prints the URL, key and how to connect, and shuts down cleanly on SIGTERM', async () => {
    const db = join(dir, 'served.db');
    const out = captureStdout();
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const running = runSandboxCli(['--port', '0', '--db', db]);
    const deadline = Date.now() + 10_000;
    while (!out.join('').includes('Press Ctrl+C') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const text = out.join('');
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
    const key = /demo key\s+(g8_test_\S+)/.exec(text)?.[1];
    expect(url).toBeDefined();
    expect(key).toBeDefined();
    expect(text).toContain(`G8_API_URL=${url}`);
    expect(text).toContain(`G8_API_KEY=${key}`);
    const me = await fetch(`${url}/api/v1/me`, { headers: { Authorization: `Bearer ${key}` } });
    expect(me.status).toBe(200);

    process.emit('SIGTERM', 'SIGTERM');
    await running;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    // The database was closed cleanly: a new sandbox opens it and serves the same key.
    const sb = await startSandbox({ port: 0, dbPath: db, log: () => {} });
    try {
      expect(sb.demoKey).toBe(key);
    } finally {
      await sb.close();
    }
  });
});
