/**
 * 2025-era sessions in Redis, on two in-process replicas (one PostgreSQL database, one Redis prefix,
 * one public URL) and raw HTTP: a session opened on one is served by the other; its owner binding,
 * idle expiry, the per-owner cap and DELETE hold across both; and when Redis stops answering (its
 * connections cut by a relay the test controls), the replica holding a session carries on while the
 * other answers 503 with Retry-After, at once, until Redis is back; a session opened meanwhile is
 * that replica's alone.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteServer } from '../../src/remote/server.js';
import type { Engines } from '../helpers/engines.js';
import type { Stack } from '../helpers/http-stack.js';
import { type Replicas, startReplicas } from '../helpers/replicas.js';
import { mintSandboxKey } from '../helpers/sandbox.js';
import { type TcpCut, tcpCut } from '../helpers/tcp-cut.js';

let replicas: Replicas;
let engines: Engines;
let redis: TcpCut;
let stack: Stack;
let a: RemoteServer;
let b: RemoteServer;
let key: string;

const IDLE_SEC = 2;
const CAP = 2;

beforeAll(async () => {
  redis = await tcpCut(6379);
  replicas = await startReplicas({
    G8_REDIS_URL: `redis://127.0.0.1:${redis.port}`,
    G8_SESSION_IDLE_SEC: String(IDLE_SEC),
    G8_MAX_SESSIONS_PER_OWNER: String(CAP),
    G8_DISCOVERY: 'off',
  });
  ({ engines, stack, a, b } = replicas);
  key = stack.sandbox.demoKey;
});

afterAll(async () => {
  await replicas?.close();
  await redis?.close();
});

const urlOf = (server: RemoteServer) => `http://127.0.0.1:${server.port}/mcp`;
let nextId = 1;

// biome-ignore lint/suspicious/noExplicitAny: wire answers are asserted field by field
type Wire = Record<string, any>;

/** One request (or DELETE) in a session, on one replica; the answer's messages from JSON or SSE. */
async function send(
  server: RemoteServer,
  o: { session?: string; key?: string; method?: string; body?: Wire },
) {
  const started = Date.now();
  const res = await fetch(urlOf(server), {
    method: o.method ?? 'POST',
    headers: {
      'x-api-key': o.key ?? key,
      accept: 'application/json, text/event-stream',
      ...(o.body ? { 'content-type': 'application/json' } : {}),
      ...(o.session ? { 'mcp-session-id': o.session } : {}),
    },
    ...(o.body ? { body: JSON.stringify(o.body) } : {}),
  });
  const text = await res.text();
  const messages = text.startsWith('{')
    ? [JSON.parse(text)]
    : [...text.matchAll(/^data: (.+)$/gm)].map((m) => JSON.parse(m[1] as string));
  return { status: res.status, headers: res.headers, messages: messages as Wire[], ms: Date.now() - started };
}

const initialize = (id: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'shared-test', version: '1' },
  },
});

async function open(server: RemoteServer, as = key): Promise<string> {
  const res = await send(server, { key: as, body: initialize(nextId++) });
  expect(res.status).toBe(200);
  const session = res.headers.get('mcp-session-id') as string;
  await send(server, { key: as, session, body: { jsonrpc: '2.0', method: 'notifications/initialized' } });
  return session;
}

const ping = (server: RemoteServer, session: string, as = key) =>
  send(server, { key: as, session, body: { jsonrpc: '2.0', id: nextId++, method: 'ping' } });

describe('shared 2025-era sessions on two replicas', () => {
  it('a session opened on A is served by B, which rebuilds it from its record', async () => {
    const session = await open(a);
    const listed = await send(b, { session, body: { jsonrpc: '2.0', id: nextId++, method: 'tools/list' } });
    expect(listed.status).toBe(200);
    expect(listed.messages[0]?.result.tools.length).toBeGreaterThan(0);
    expect((await ping(a, session)).status).toBe(200);
  });

  it('the log level set on one replica is kept with the record and restored on the other', async () => {
    const session = await open(a);
    const set = await send(a, {
      session,
      body: { jsonrpc: '2.0', id: nextId++, method: 'logging/setLevel', params: { level: 'error' } },
    });
    expect(set.status).toBe(200);
    const hashKey = `${engines.redisPrefix}sess:${session}`;
    let level: string | null = null;
    for (let i = 0; i < 20 && level !== 'error'; i++) {
      level = await engines.redis().hget(hashKey, 'logLevel');
      if (level !== 'error') await sleep(50);
    }
    expect(level).toBe('error');
    // B rebuilds its copy with the level (a rebuild that failed would answer 503).
    expect((await ping(b, session)).status).toBe(200);
  });

  it("someone else's session id is 404 on either replica, and the session is untouched", async () => {
    const session = await open(a);
    const other = await mintSandboxKey(stack.sandbox);
    for (const server of [a, b]) {
      const res = await ping(server, session, other);
      expect(res.status).toBe(404);
      expect(res.messages[0]?.error.message).toMatch(/Session not found/);
    }
    expect((await ping(b, session)).status).toBe(200);
  });

  it('DELETE on B ends the session on A too', async () => {
    const session = await open(a);
    expect((await ping(b, session)).status).toBe(200);
    const ended = await send(b, { session, method: 'DELETE' });
    expect(ended.status).toBe(200);
    // A held a copy: the end reached it over pub/sub (shortly), and the record is gone.
    let status = 0;
    for (let i = 0; i < 20 && status !== 404; i++) {
      status = (await ping(a, session)).status;
      if (status !== 404) await sleep(50);
    }
    expect(status).toBe(404);
    expect(await engines.redis().exists(`${engines.redisPrefix}sess:${session}`)).toBe(0);
  });

  it('the per-owner cap holds across replicas: the least recent session ends everywhere', async () => {
    const owner = await mintSandboxKey(stack.sandbox);
    const first = await open(a, owner);
    expect((await ping(b, first, owner)).status).toBe(200);
    await sleep(5);
    const second = await open(b, owner);
    await sleep(5);
    const third = await open(a, owner);
    for (const server of [a, b]) {
      let status = 0;
      for (let i = 0; i < 20 && status !== 404; i++) {
        status = (await ping(server, first, owner)).status;
        if (status !== 404) await sleep(50);
      }
      expect(status).toBe(404);
      expect((await ping(server, second, owner)).status).toBe(200);
      expect((await ping(server, third, owner)).status).toBe(200);
    }
  });

  it('an idle session expires for every replica', async () => {
    const session = await open(a);
    expect((await ping(b, session)).status).toBe(200);
    await sleep(IDLE_SEC * 1000 + 1_500);
    expect((await ping(b, session)).status).toBe(404);
    expect((await ping(a, session)).status).toBe(404);
  });

  it('Redis cut: the holding replica carries on; the other answers 503 with Retry-After, at once; back when Redis is', async () => {
    const session = await open(a);
    let local = '';
    redis.cut();
    try {
      const held = await ping(a, session);
      expect(held.status).toBe(200);
      const foreign = await ping(b, session);
      expect(foreign.status).toBe(503);
      expect(foreign.headers.get('retry-after')).toBe('5');
      expect(foreign.messages[0]?.error.message).toMatch(/Redis.*retry/);
      // Refused within the Redis command timeout, far inside the request timeout.
      expect(foreign.ms).toBeLessThan(3_000);
      // A new session meanwhile is B's alone (as without Redis): served there, unknown elsewhere.
      const opened = await send(b, { body: initialize(77) });
      expect(opened.status).toBe(200);
      local = opened.headers.get('mcp-session-id') as string;
      expect((await ping(b, local)).status).toBe(200);
      await send(b, { body: initialize(78) });
      expect(
        stack.logs().match(/new 2025-era sessions are served by the replica that opens them/g),
      ).toHaveLength(1);
    } finally {
      redis.restore();
    }
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await ping(b, session)).status;
      if (status !== 200) await sleep(200);
    }
    expect(status).toBe(200);
    expect((await ping(a, local)).status).toBe(404);
  }, 30_000);
});
