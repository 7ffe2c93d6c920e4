/**
 * Remote mode's refusals from the security review (issue 17), through the real server on real
 * sockets: sessions capped per owner (#2), a 2025 session never serving a token with fewer scopes
 * than the one that opened it (#6), failed credential checks throttled per address and key prefix
 * (#10), and HTTP-level errors carrying the request's id (#14).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteServer } from '../../src/remote/server.js';
import { initialize, tokenRequest, tokensViaApiKey } from '../helpers/http-consent.js';
import { type Stack, startStack } from '../helpers/http-stack.js';

let stack: Stack;
let key: string;

beforeAll(async () => {
  stack = await startStack({ env: { G8_DISCOVERY: 'off' } });
  key = stack.sandbox.demoKey;
});

afterAll(async () => {
  await stack?.close();
});

const BASE = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

function post(url: string, auth: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { ...BASE, authorization: `Bearer ${auth}`, ...headers },
    body: JSON.stringify(body),
  });
}

async function open(url: string, auth: string): Promise<string> {
  const res = await initialize(url, { authorization: `Bearer ${auth}` });
  expect(res.status).toBe(200);
  await res.text();
  const id = res.headers.get('mcp-session-id') as string;
  const note = await post(url, auth, { jsonrpc: '2.0', method: 'notifications/initialized' }, session(id));
  expect(note.status).toBe(202);
  return id;
}

const session = (id: string) => ({ 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' });

async function status(url: string, auth: string, id: string): Promise<number> {
  const res = await post(url, auth, { jsonrpc: '2.0', id: 9, method: 'ping' }, session(id));
  await res.text();
  return res.status;
}

async function mintKey(name: string): Promise<string> {
  const res = await fetch(`${stack.sandbox.url}/api/v1/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, mode: 'test' }),
  });
  return ((await res.json()) as { data: { api_key_token: string } }).data.api_key_token;
}

const randomKey = (prefix = 'g8_test_') => prefix + randomBytes(18).toString('base64url');

describe('#2 sessions are capped per owner; the global cap takes from the owner with the most', () => {
  it('one credential opening sessions closes only its own; a new owner at the global cap evicts from the busiest', async () => {
    const remote: RemoteServer = await stack.restart({
      G8_MAX_SESSIONS: '4',
      G8_MAX_SESSIONS_PER_OWNER: '2',
    });
    const [b, c] = [await mintKey('tenant b'), await mintKey('tenant c')];
    const a1 = await open(remote.url, key);
    const bs: string[] = [];
    for (let i = 0; i < 6; i++) bs.push(await open(remote.url, b));
    // A's session survives B's flood; B keeps its two most recent.
    expect(await status(remote.url, key, a1)).toBe(200);
    expect(await Promise.all(bs.map((id) => status(remote.url, b, id)))).toEqual([
      404, 404, 404, 404, 200, 200,
    ]);
    expect(remote.sessions.size).toBe(3);
    // C's two sessions fill and then pass the global cap of 4: the room comes from B (two), not A.
    const c1 = await open(remote.url, c);
    const c2 = await open(remote.url, c);
    expect(remote.sessions.size).toBe(4);
    expect(await status(remote.url, key, a1)).toBe(200);
    expect(await status(remote.url, c, c1)).toBe(200);
    expect(await status(remote.url, c, c2)).toBe(200);
    expect(await status(remote.url, b, bs[4] as string)).toBe(404);
    expect(await status(remote.url, b, bs[5] as string)).toBe(200);
  });
});

describe('#6 a session serves only tokens carrying every scope it was opened with', () => {
  it('a token refreshed down to graph8:read cannot use a read+write session; a new session is read-only', async () => {
    const base = stack.remote.publicUrl;
    const mcp = stack.remote.url;
    const t = await tokensViaApiKey(base, key);
    expect(t.scope).toBe('graph8:read graph8:write');
    const id = await open(mcp, t.access_token);
    const down = await tokenRequest(base, {
      grant_type: 'refresh_token',
      refresh_token: t.refresh_token,
      client_id: t.clientId,
      scope: 'graph8:read',
    });
    expect(down.status).toBe(200);
    const read = (await down.json()) as { access_token: string; scope: string };
    expect(read.scope).toBe('graph8:read');

    const before = stack.proxy.requests.length;
    const call = await post(
      mcp,
      read.access_token,
      {
        jsonrpc: '2.0',
        id: 31,
        method: 'tools/call',
        params: {
          name: 'g8_create_sequence',
          arguments: { name: 'Scope probe', user_email: 'ops@acme.test', steps: [], confirm: true },
        },
      },
      session(id),
    );
    expect(call.status).toBe(404);
    const body = (await call.json()) as { error: { code: number; message: string }; id: unknown };
    expect(body.id).toBe(31);
    expect(body.error.code).toBe(-32001);
    expect(body.error.message).toMatch(/scopes this token does not carry/);
    expect(stack.proxy.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
    const list = await post(
      mcp,
      read.access_token,
      { jsonrpc: '2.0', id: 32, method: 'tools/list' },
      session(id),
    );
    expect(list.status).toBe(404);
    await list.text();

    // A session the read token opens lists read tools only.
    const own = await open(mcp, read.access_token);
    const listed = await post(
      mcp,
      read.access_token,
      { jsonrpc: '2.0', id: 33, method: 'tools/list' },
      session(own),
    );
    expect(listed.status).toBe(200);
    const text = await listed.text();
    const tools = (
      JSON.parse(
        text
          .split('\n')
          .find((l) => l.startsWith('data: '))
          ?.slice(6) as string,
      ) as {
        result: { tools: { name: string; annotations?: { readOnlyHint?: boolean } }[] };
      }
    ).result.tools;
    expect(tools.length).toBeGreaterThan(5);
    expect(
      tools.filter((tool) => tool.name.startsWith('g8_') && tool.annotations?.readOnlyHint !== true),
    ).toEqual([]);
    // The read token may still end the session it cannot use.
    const del = await fetch(mcp, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${read.access_token}`, ...session(id) },
    });
    expect(del.status).toBe(200);
  });
});

describe('#10 failed credential checks are throttled per client address and per key prefix', () => {
  const meCalls = (keys: string[]) =>
    stack.proxy.requests.filter(
      (r) => r.url === '/api/v1/me' && keys.some((k) => r.headers.authorization === `Bearer ${k}`),
    ).length;

  it('random keys from one address: the first N are checked upstream, the rest get 429 + Retry-After', async () => {
    const remote = await stack.restart({ G8_AUTH_FAILURES_PER_MIN: '5' });
    // A key known good before the probing keeps working from the same address.
    expect((await initialize(remote.url, { authorization: `Bearer ${key}` })).status).toBe(200);
    const fresh = await mintKey('minted during probing');
    const probes = Array.from({ length: 12 }, () => randomKey());
    const statuses: number[] = [];
    for (const [i, probe] of probes.entries()) {
      // X-Forwarded-For is not trusted without G8_TRUST_PROXY: changing it changes nothing.
      const res = await initialize(remote.url, {
        authorization: `Bearer ${probe}`,
        'x-forwarded-for': `203.0.113.${i}`,
      });
      statuses.push(res.status);
      if (res.status === 429) {
        const after = Number(res.headers.get('retry-after'));
        expect(after).toBeGreaterThanOrEqual(1);
        expect(after).toBeLessThanOrEqual(60);
        expect(await res.json()).toMatchObject({ error: 'too_many_requests' });
      } else await res.text();
    }
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(7).fill(429)]);
    expect(meCalls(probes)).toBe(5);
    expect((await initialize(remote.url, { authorization: `Bearer ${key}` })).status).toBe(200);
    // A key never checked before is not checked now: the address is throttled.
    const unseen = await initialize(remote.url, { 'x-api-key': fresh });
    expect(unseen.status).toBe(429);
    expect(meCalls([fresh])).toBe(0);
  });

  it('behind a trusted proxy: one key prefix from many addresses is throttled; other callers are not', async () => {
    const remote = await stack.restart({ G8_AUTH_FAILURES_PER_MIN: '3', G8_TRUST_PROXY: 'true' });
    const prefix = `g8_live_${randomBytes(6).toString('base64url')}`;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await initialize(remote.url, {
        authorization: `Bearer ${prefix}${randomBytes(12).toString('base64url')}`,
        'x-forwarded-for': `198.51.100.${i}, 10.0.0.1`,
      });
      await res.text();
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
    const other = await initialize(remote.url, {
      authorization: `Bearer ${randomKey()}`,
      'x-forwarded-for': '198.51.100.200',
    });
    expect(other.status).toBe(401);
    const good = await initialize(remote.url, {
      authorization: `Bearer ${key}`,
      'x-forwarded-for': '198.51.100.0',
    });
    expect(good.status).toBe(200);
  });

  it('concurrent checks of one refused key cost one GET /me, and the refusal is remembered briefly', async () => {
    const remote = await stack.restart({ G8_AUTH_FAILURES_PER_MIN: '0' });
    const probe = randomKey();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => initialize(remote.url, { authorization: `Bearer ${probe}` })),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(401));
    expect((await initialize(remote.url, { authorization: `Bearer ${probe}` })).status).toBe(401);
    expect(meCalls([probe])).toBe(1);
  });
});

describe('#14 HTTP-level errors carry the request id once the body is read', () => {
  it('an unknown selection on the URL: 400 naming the valid values, with the id; unauthenticated: 401 first', async () => {
    const mcp = stack.remote.url;
    const res = await post(`${mcp}?mode=sales`, key, { jsonrpc: '2.0', id: 'sel-1', method: 'tools/list' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: number; message: string }; id: unknown };
    expect(body.id).toBe('sel-1');
    expect(body.error.message).toMatch(/Unknown mode "sales"/);
    const anonymous = await initialize(`${mcp}?mode=sales`, {});
    expect(anonymous.status).toBe(401);
  });
});
