/**
 * Remote mode on the shared engines, through its real entry points: two servers on one PostgreSQL
 * database and one Redis prefix (as two replicas behind a balancer, with one public URL), the real
 * sandbox upstream behind the recording proxy. And start-up with an engine that cannot be used.
 */
import { execFile } from 'node:child_process';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { RemoteServer } from '../../src/remote/server.js';
import { startRemoteServer } from '../../src/remote/server.js';
import { catalogue } from '../../tools/index.js';
import { type Engines, freshEngines } from '../helpers/engines.js';
import { initialize, tokenRequest, tokensViaApiKey } from '../helpers/http-consent.js';
import { type Stack, startStack } from '../helpers/http-stack.js';
import { httpRaw } from '../helpers/modern-raw.js';
import { mintSandboxKey } from '../helpers/sandbox.js';
import { emailReply } from '../helpers/sandbox-picks.js';

let engines: Engines;
let stack: Stack;
let a: RemoteServer;
let b: RemoteServer;

beforeAll(async () => {
  engines = await freshEngines();
  // The per-client limits stay on (the stack turns them off by default): they are under test.
  stack = await startStack({
    env: { ...engines.env, G8_DISCOVERY: 'off' },
    noUpstream: true,
    overrides: { rateLimit: undefined },
  });
  a = stack.remote;
  b = await stack.restart({ G8_PUBLIC_URL: a.publicUrl });
});

afterAll(async () => {
  await stack?.close();
  await engines?.drop();
});

const meChecks = () => stack.proxy.requests.filter((r) => r.url === '/api/v1/me').length;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const urlOf = (server: RemoteServer) => `http://127.0.0.1:${server.port}`;

describe('two replicas on PostgreSQL and Redis', () => {
  it('/readyz reports each engine; /healthz stays about the process', async () => {
    const ready = await fetch(`${urlOf(b)}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      sessions: expect.any(Number),
      engines: { postgres: 'ok', redis: 'ok' },
    });
    expect(await (await fetch(`${urlOf(b)}/healthz`)).json()).toEqual({ status: 'ok' });
  });

  it('keeps the grants in PostgreSQL: nothing in the data directory’s SQLite', async () => {
    const { existsSync } = await import('node:fs');
    expect(existsSync(`${stack.dataDir}/oauth.db`)).toBe(false);
  });

  it('a sign-in on A gives tokens B accepts; refresh works on B; replaying the old refresh token on A ends the grant on both', async () => {
    const t = await tokensViaApiKey(a.publicUrl, stack.sandbox.demoKey);
    expect((await initialize(b.url, bearer(t.access_token))).status).toBe(200);
    const refreshed = await tokenRequest(urlOf(b), {
      grant_type: 'refresh_token',
      refresh_token: t.refresh_token,
      client_id: t.clientId,
    });
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as { access_token: string };
    expect((await initialize(a.url, bearer(next.access_token))).status).toBe(200);
    const replay = await tokenRequest(a.publicUrl, {
      grant_type: 'refresh_token',
      refresh_token: t.refresh_token,
      client_id: t.clientId,
    });
    expect(replay.status).toBe(400);
    expect((await initialize(a.url, bearer(next.access_token))).status).toBe(401);
    expect((await initialize(b.url, bearer(next.access_token))).status).toBe(401);
    const rows = await engines.query<{ revoked_at: number | null }>('SELECT revoked_at FROM grants');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.revoked_at !== null)).toBe(true);
  });

  it('a confirmation asked on A and answered on B sends once; the same answer replayed on A sends nothing more', async () => {
    const sends = () =>
      stack.proxy.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/send')).length;
    const call = {
      name: 'g8_send_reply',
      arguments: emailReply(stack.sandbox.db, 'Hello from two replicas'),
    };
    const elicit = { capabilities: { elicitation: { form: {} } } };
    const [onA, onB] = [httpRaw(a.url, stack.sandbox.demoKey), httpRaw(b.url, stack.sandbox.demoKey)];
    const before = sends();
    const asked = (await onA.request('tools/call', call, elicit)).response.result as { requestState: string };
    expect(typeof asked.requestState).toBe('string');
    const answer = {
      ...call,
      inputResponses: { confirm: { action: 'accept', content: { confirm: true } } },
      requestState: asked.requestState,
    };
    const [done, raced] = await Promise.all([
      onB.request('tools/call', answer, elicit),
      onA.request('tools/call', answer, elicit),
    ]);
    expect(done.response.result?.isError, JSON.stringify(done.response)).toBeFalsy();
    expect(raced.response.result).toEqual(done.response.result);
    const replay = await onA.request('tools/call', answer, elicit);
    expect(replay.response.result).toEqual(done.response.result);
    expect(sends() - before).toBe(1);
    await Promise.all([onA.close(), onB.close()]);
  });

  it('an API key checked on A is trusted by B without asking graph8 again', async () => {
    const key = await mintSandboxKey(stack.sandbox);
    const before = meChecks();
    expect((await initialize(a.url, { 'x-api-key': key })).status).toBe(200);
    expect((await initialize(b.url, { 'x-api-key': key })).status).toBe(200);
    expect(meChecks() - before).toBe(1);
    // Only the key's hash names the entry.
    expect((await engines.redis().keys(`${engines.redisPrefix}apikey:*`)).join()).not.toContain(key);
  });

  it('/register allows 20 clients an hour per address across both replicas, not 20 each', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await fetch(`${urlOf(i % 2 ? b : a)}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          redirect_uris: ['http://127.0.0.1:9/cb'],
          token_endpoint_auth_method: 'none',
        }),
      });
      statuses.push(res.status);
    }
    // The sign-in test above registered one client already.
    expect(statuses.filter((s) => s === 201)).toHaveLength(19);
    expect(statuses.slice(19)).toEqual([429, 429]);
  });
});

describe('start-up with the shared engines', () => {
  const quiet = pino({ level: 'silent' });
  const start = (env: Record<string, string>) =>
    startRemoteServer(
      loadConfig({ G8_HTTP_PORT: '0', G8_DATA_DIR: stack.dataDir, ...env }),
      catalogue,
      quiet,
    );

  it('needs G8_MCP_SECRET, which every replica must share', async () => {
    await expect(start({ G8_REDIS_URL: engines.redisUrl })).rejects.toThrow(
      /^G8_REDIS_URL is set, so G8_MCP_SECRET must be too/,
    );
  });

  it('an engine that does not answer stops it with one line, never the password', async () => {
    const secret = engines.env.G8_MCP_SECRET as string;
    const pg = await start({
      G8_MCP_SECRET: secret,
      G8_DATABASE_URL: 'postgres://g8:hunter2@127.0.0.1:1/g8',
    }).catch((e: Error) => e);
    expect((pg as Error).constructor.name).toBe('StartupError');
    expect((pg as Error).message).toMatch(/^PostgreSQL at postgres:\/\/127\.0\.0\.1:1\/g8 cannot be used/);
    const redis = await start({ G8_MCP_SECRET: secret, G8_REDIS_URL: 'redis://:hunter2@127.0.0.1:1' }).catch(
      (e: Error) => e,
    );
    expect((redis as Error).message).toMatch(/^Redis at redis:\/\/127\.0\.0\.1:1 cannot be used/);
    expect(`${(pg as Error).message}${(redis as Error).message}`).not.toContain('hunter2');
  });

  it('the command exits 1 with that one line on stderr', async () => {
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['dist/bundle/main.js', '--http', '--port', '0'],
        {
          env: {
            PATH: process.env.PATH,
            G8_MCP_SECRET: 'x'.repeat(40),
            G8_DATABASE_URL: 'postgresql://admin:hunter2@127.0.0.1:1/prod',
            G8_DATA_DIR: stack.dataDir,
          },
          timeout: 20_000,
        },
        (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
      );
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(
      /^g8-mcp-server: PostgreSQL at postgresql:\/\/127\.0\.0\.1:1\/prod cannot be used/,
    );
    expect(run.stderr).not.toContain('hunter2');
  });
});
