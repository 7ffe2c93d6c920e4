/**
 * Engines failing under a running server: its PostgreSQL and Redis connections pass through relays
 * the test cuts and restores (the real engines are shared and stay up). PostgreSQL cut: a token
 * this replica checked in the last minute keeps working, tool calls included; one it never
 * checked answers 503 with Retry-After (not 401: it may be fine), as does a new sign-in; /readyz is
 * 503, nothing crashes, and all is well once it is back. Redis cut: /readyz says degraded, API-key callers are
 * still served, the fallback is logged once; back to ready when Redis returns.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Engines, freshEngines } from '../helpers/engines.js';
import { initialize, type Tokens, tokensViaApiKey } from '../helpers/http-consent.js';
import { type Stack, startStack } from '../helpers/http-stack.js';
import { envelope } from '../helpers/modern-raw.js';
import { mintSandboxKey } from '../helpers/sandbox.js';
import { type TcpCut, tcpCut } from '../helpers/tcp-cut.js';

let engines: Engines;
let pg: TcpCut;
let redis: TcpCut;
let stack: Stack;
let base: string;
let tokens: Tokens;
/** Issued, never used on /mcp: this replica has not checked it. */
let unchecked: Tokens;

beforeAll(async () => {
  engines = await freshEngines();
  pg = await tcpCut(5432);
  redis = await tcpCut(6379);
  const database = new URL(engines.databaseUrl);
  database.port = String(pg.port);
  stack = await startStack({
    noUpstream: true,
    // The per-client limits stay on (the stack turns them off by default): their fallback is under test.
    overrides: { rateLimit: undefined },
    env: { ...engines.env, G8_DATABASE_URL: database.href, G8_REDIS_URL: `redis://127.0.0.1:${redis.port}` },
  });
  base = `http://127.0.0.1:${stack.remote.port}`;
  tokens = await tokensViaApiKey(stack.remote.publicUrl, stack.sandbox.demoKey);
  unchecked = await tokensViaApiKey(stack.remote.publicUrl, stack.sandbox.demoKey);
});

afterAll(async () => {
  await stack?.close();
  await pg?.close();
  await redis?.close();
  await engines?.drop();
});

const ready = async () => {
  const res = await fetch(`${base}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** Asks until `check` holds (engines reconnect on their own schedule), for at most `ms`. */
async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await sleep(200);
  }
  return false;
}

describe('PostgreSQL unreachable mid-run', () => {
  it('tokens checked here keep working (tool calls too); others and new sign-ins get 503 + Retry-After; /readyz 503; all well after', async () => {
    const bearer = { authorization: `Bearer ${tokens.access_token}` };
    // A 2026-07-28 tools/call, as the SDK v2 client sends it, with the bearer token.
    const call = async (headers: Record<string, string>) => {
      const res = await fetch(stack.remote.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2026-07-28',
          'mcp-method': 'tools/call',
          'mcp-name': 'g8_search_contacts',
          ...headers,
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'g8_search_contacts', arguments: { limit: 1 }, _meta: envelope() },
        }),
      });
      return { status: res.status, body: await res.text() };
    };
    expect((await initialize(stack.remote.url, bearer)).status).toBe(200);
    const before = await call(bearer);
    expect(before.status).toBe(200);
    pg.cut();
    // Checked in the last minute on this replica: served, the tool call reaches graph8.
    expect((await initialize(stack.remote.url, bearer)).status).toBe(200);
    const during = await call(bearer);
    expect(during.status).toBe(200);
    expect(during.body).toContain('"structuredContent"');
    expect(during.body).not.toContain('"isError":true');
    expect(stack.logs()).toContain('serving access tokens checked here in the last minute');
    // Never checked here: the store must answer, and cannot.
    const refused = await initialize(stack.remote.url, { authorization: `Bearer ${unchecked.access_token}` });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ error: 'temporarily_unavailable' });
    // A new sign-in needs the store: refused with a clear error, nothing half-written.
    const register = await fetch(`${base}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'during the outage', redirect_uris: ['http://127.0.0.1:9/cb'] }),
    });
    expect(register.status).toBeGreaterThanOrEqual(500);
    expect(await ready()).toEqual({
      status: 503,
      body: { status: 'unavailable', engines: { postgres: 'unavailable', redis: 'ok' } },
    });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    pg.restore();
    expect(await eventually(async () => (await initialize(stack.remote.url, bearer)).status === 200)).toBe(
      true,
    );
    expect((await ready()).body.status).toBe('ready');
  });
});

describe('Redis unreachable mid-run', () => {
  it('/readyz says degraded, API-key callers are still served, the fallback is logged once; ready again after', async () => {
    redis.cut();
    expect(await ready()).toMatchObject({
      status: 200,
      body: { status: 'degraded', engines: { postgres: 'ok', redis: 'unavailable' } },
    });
    // A key no replica has checked: the shared cache cannot answer, so graph8 is asked.
    const key = await mintSandboxKey(stack.sandbox);
    for (let i = 0; i < 3; i++) {
      expect((await initialize(stack.remote.url, { 'x-api-key': key })).status).toBe(200);
    }
    // The OAuth endpoints' limits count on this replica meanwhile: /register still answers.
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${base}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          redirect_uris: ['http://127.0.0.1:9/cb'],
          token_endpoint_auth_method: 'none',
        }),
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('ratelimit-limit') ?? res.headers.get('ratelimit')).toBeTruthy();
    }
    expect(stack.logs().match(/Redis cannot be reached/g)).toHaveLength(1);
    expect(stack.logs().match(/own budget for the OAuth endpoint rate limits/g)).toHaveLength(1);
    redis.restore();
    expect(await eventually(async () => (await ready()).body.status === 'ready')).toBe(true);
    expect(stack.logs()).toContain('Redis answers again');
  });
});
