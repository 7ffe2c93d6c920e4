/**
 * No answer carries a credential: a backend that echoes the caller's key — exactly, base64-encoded,
 * as a 12+ character run, or another graph8 key — is redacted in tool results, resources/read
 * (results and errors), prompts/get and completion/complete, over stdio (the built bin) and remote
 * mode (the sandbox behind the real HTTP server).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../helpers/http-stack.js';
import { httpRaw } from '../helpers/modern-raw.js';
import { type RecordingServer, startRecordingServer } from '../helpers/recording-server.js';
import { type StdioSession, startStdio } from '../helpers/stdio.js';

const KEY = `g8_live_${randomBytes(20).toString('hex')}`;
const OTHER = `g8_test_${randomBytes(16).toString('hex')}`;

/** Every form of a credential a backend might echo. */
function echoes(key: string) {
  return {
    exact: key,
    bearer: `Bearer ${key}`,
    basic: `Basic ${Buffer.from(`user:${key}`).toString('base64')}`,
    b64url: Buffer.from(key).toString('base64url'),
    part: key.slice(4, 24),
    other: OTHER,
  };
}

/** What must never be in an answer: the key, 12-character runs of it and of its base64, the other key. */
function expectNoLeak(text: string, key: string) {
  expect(text).not.toContain(key.slice(8, 20));
  expect(text).not.toContain(key.slice(4, 16));
  expect(text).not.toContain(Buffer.from(key).toString('base64').slice(4, 16));
  expect(text).not.toContain(Buffer.from(`user:${key}`).toString('base64').slice(8, 20));
  expect(text).not.toContain(OTHER.slice(8));
  expect(text).toContain('[redacted]');
}

describe('stdio: every answer is redacted', () => {
  let backend: RecordingServer;
  let session: StdioSession;

  beforeAll(async () => {
    backend = await startRecordingServer();
    backend.setHandler((req) => {
      if (req.path === '/api/v1/me') return { status: 200, body: { data: { unrestricted: true } } };
      if (req.path === '/api/v1/repos') {
        return { status: 200, body: { data: [{ id: KEY }, { id: OTHER }, { id: 'repo_1' }, echoes(KEY)] } };
      }
      if (req.path.endsWith('/scan')) return { status: 404, body: { detail: `no repo for ${KEY}` } };
      return { status: 200, body: { data: echoes(String(req.headers.authorization ?? '')) } };
    });
    session = await startStdio({ G8_API_KEY: KEY, G8_API_URL: backend.url, G8_PACE: 'off' });
  }, 30_000);
  afterAll(async () => {
    await session?.close();
    await backend?.close();
  });

  it('resources/read', async () => {
    const res = await session.client.readResource({ uri: 'g8://repos' });
    expectNoLeak(JSON.stringify(res), KEY);
    expect(JSON.stringify(res)).toContain('repo_1');
  });

  it('a resources/read error', async () => {
    const error = await session.client.readResource({ uri: 'g8://repos/r1/scan' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/HTTP 404/);
    expect((error as Error).message).not.toContain(KEY.slice(8, 20));
    expect((error as Error).message).toContain('[redacted]');
  });

  it('completion/complete', async () => {
    const res = await session.client.complete({
      ref: { type: 'ref/resource', uri: 'g8://repos/{repo_id}/scan' },
      argument: { name: 'repo_id', value: '' },
    });
    expectNoLeak(JSON.stringify(res), KEY);
    expect(res.completion.values).toContain('repo_1');
  });

  it('prompts/get', async () => {
    const res = await session.client.getPrompt({
      name: 'campaign_review',
      arguments: { campaign_id: `${OTHER}` },
    });
    expectNoLeak(JSON.stringify(res), KEY);
  });

  it('tools/call', async () => {
    const res = await session.client.callTool({ name: 'g8_search_contacts', arguments: {} });
    expectNoLeak(JSON.stringify(res), KEY);
  });
});

describe('remote mode: a record holding the key comes back redacted', () => {
  let stack: Stack;
  let key: string;

  beforeAll(async () => {
    stack = await startStack({ env: { G8_DISCOVERY: 'off' } });
    key = stack.sandbox.demoKey;
    const e = echoes(key);
    stack.sandbox.db
      .prepare('UPDATE contacts SET first_name = ?, last_name = ?, job_title = ?, about = ?')
      .run(e.exact, e.basic, e.part, `${e.other} ${e.b64url}`);
  }, 30_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('resources/read', async () => {
    const { response } = await httpRaw(stack.remote.url, key).request('resources/read', {
      uri: 'g8://contacts',
    });
    expect(response.result).toBeDefined();
    expectNoLeak(JSON.stringify(response), key);
  });

  it('tools/call', async () => {
    const { response } = await httpRaw(stack.remote.url, key).request('tools/call', {
      name: 'g8_search_contacts',
      arguments: {},
    });
    expect(response.result).toBeDefined();
    expectNoLeak(JSON.stringify(response), key);
  });
});
