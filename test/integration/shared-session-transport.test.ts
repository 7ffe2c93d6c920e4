/**
 * The shared session transport (src/remote/shared-sessions/) between two copies of one session on the
 * real Redis, each with a Server of its own, as two replicas hold them: a message the server sends
 * with no request to ride on, from the copy without the client's GET stream, reaches that stream on
 * the other copy (with an event id kept in Redis, so it can be resumed anywhere); a rebuilt copy
 * answers in the session at once, primed with the client's own `initialize`.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedSessions } from '../../src/remote/shared-sessions/sessions.js';
import type { SharedSessionTransport } from '../../src/remote/shared-sessions/transport.js';
import { type Engines, freshEngines } from '../helpers/engines.js';

let engines: Engines;
const clients: Redis[] = [];
const logger = { warn: () => {}, info: () => {} };

async function replica(): Promise<SharedSessions> {
  const redis = new Redis(engines.redisUrl, {
    keyPrefix: engines.redisPrefix,
    lazyConnect: true,
    enableOfflineQueue: false,
    commandTimeout: 1_000,
  });
  await redis.connect();
  clients.push(redis);
  return new SharedSessions(redis, { idleMs: 60_000, maxPerOwner: 5, jsonResponse: false, logger });
}

/** A copy's HTTP face on a port of its own. */
async function serve(transport: SharedSessionTransport): Promise<{ url: string; server: HttpServer }> {
  const server = createServer((req, res) => void transport.handleRequest(req, res, undefined));
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, server };
}

const mcpServer = () => new Server({ name: 'copy', version: '1' }, { capabilities: { logging: {} } });

beforeAll(async () => {
  engines = await freshEngines();
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await engines?.drop();
});

describe('two copies of one shared session', () => {
  it('a server message with no request to ride on reaches the GET stream on the other copy, with a kept event id', async () => {
    const [one, two] = [await replica(), await replica()];
    const params = {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'c', version: '1' },
    };
    const opened = await one.open({ owner: 'key:o', scopes: undefined, search: '', params }, () => {});
    const serverA = mcpServer();
    await serverA.connect(opened);
    const http = await serve(opened);
    const init = await fetch(http.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params }),
    });
    expect(init.status).toBe(200);
    await init.text();
    const id = init.headers.get('mcp-session-id') as string;

    // Another replica rebuilds its copy from the record and opens the client's GET stream there.
    const found = await two.find(id, 'key:o');
    expect(found).toMatchObject({ id, owner: 'key:o', protocolVersion: '2025-11-25' });
    expect(await two.find(id, 'key:someone-else')).toBeUndefined();
    const copy = await two.rebuild(found as NonNullable<typeof found>);
    const serverB = mcpServer();
    await serverB.connect(copy);
    await copy.restore(found as NonNullable<typeof found>);
    const httpB = await serve(copy);
    const abort = new AbortController();
    const asked = Date.now();
    const stream = await fetch(httpB.url, {
      headers: { accept: 'text/event-stream', 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' },
      signal: abort.signal,
    });
    expect(stream.status).toBe(200);
    // Its headers came at once, not with the first keep-alive (15 s).
    expect(Date.now() - asked).toBeLessThan(5_000);

    // Copy A has no GET stream: its log message goes over the bus to B's.
    await serverA.sendLoggingMessage({ level: 'warning', data: 'from replica A' });
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('from replica A')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    abort.abort();
    expect(text).toContain('"method":"notifications/message"');
    const eventId = /^id: (.+)$/m.exec(
      text.slice(0, text.indexOf('from replica A')).split('\n\n').at(-1) ?? '',
    )?.[1];
    expect(eventId).toMatch(/^_GET_stream_\d+-\d+$/);
    const kept = await engines.redis().xrange(`${engines.redisPrefix}ev:${id}`, '-', '+');
    const gets = kept.filter(([, fields]) => fields[fields.indexOf('s') + 1] === '_GET_stream');
    expect(gets.map(([entry]) => `_GET_stream_${entry}`)).toContain(eventId);

    for (const h of [http, httpB]) {
      h.server.closeAllConnections();
      h.server.close();
    }
    await Promise.all([opened.close(), copy.close()]);
    one.close();
    two.close();
  });
});
