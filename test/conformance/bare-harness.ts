// A bare SDK stack serving fixtureServerFactory on plain node:http, both protocol eras on one URL, wired the way
// the SDK documents it (docs/serving/http.md, docs/serving/legacy-clients.md, examples/legacy-routing):
//
// - Host and Origin validation in front of everything (localhost binds), which is what dns-rebinding-protection
//   checks;
// - `isLegacyRequest` decides per request: 2026-07-28 traffic goes to a strict
//   `createMcpHandler(factory, { legacy: 'reject' })` through `toNodeHandler`; 2025 traffic (initialize, session
//   POSTs, GET streams, DELETE) goes to a sessionful NodeStreamableHTTPServerTransport with an in-memory event
//   store, one factory instance per session.
//
// Temporary: it proves the fixture and scripts/conformance/run.mjs independently of the product's own HTTP stack.
//
//   npx tsc -p test/conformance/tsconfig.json && node dist/conformance/bare-harness.js [--port 0] [--host 127.0.0.1]
//
// prints `listening on http://HOST:PORT/mcp` on stdout once it accepts connections.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import {
  localhostHostValidation,
  localhostOriginValidation,
  NodeStreamableHTTPServerTransport,
  toNodeHandler,
  toWebRequest,
} from '@modelcontextprotocol/node';
import {
  createMcpHandler,
  type EventId,
  type EventStore,
  isInitializeRequest,
  isJsonContentType,
  isLegacyRequest,
  type JSONRPCMessage,
  type StreamId,
} from '@modelcontextprotocol/server';
import { fixtureEventBus, fixtureServerFactory } from './fixture-server.js';

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '0' },
    host: { type: 'string', default: '127.0.0.1' },
    quiet: { type: 'boolean', default: false },
  },
});
const log = (line: string) => {
  if (!opts.quiet) process.stderr.write(`[bare-harness] ${line}\n`);
};

/** Resumability for 2025 sessions (SEP-1699): every message sent on a stream is kept so a reconnect replays it. */
class MemoryEventStore implements EventStore {
  private readonly events = new Map<EventId, { streamId: StreamId; message: JSONRPCMessage; seq: number }>();
  private seq = 0;

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const seq = ++this.seq;
    const eventId = `${streamId}_${seq}`;
    this.events.set(eventId, { streamId, message, seq });
    return eventId;
  }

  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    return this.events.get(eventId)?.streamId;
  }

  async replayEventsAfter(
    lastEventId: EventId,
    { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    const last = this.events.get(lastEventId);
    if (!last) throw new Error(`unknown event id ${lastEventId}`);
    for (const [eventId, e] of this.events) {
      if (e.streamId === last.streamId && e.seq > last.seq) await send(eventId, e.message);
    }
    return last.streamId;
  }
}

// --- modern leg: strict 2026-07-28 entry, fresh instance per request ---
const modern = createMcpHandler(fixtureServerFactory, {
  legacy: 'reject',
  bus: fixtureEventBus,
  onerror: (err) => log(`modern: ${err.message}`),
});
const modernNode = toNodeHandler(modern);

// --- legacy leg: sessionful 2025 streamable HTTP ---
const sessions = new Map<string, NodeStreamableHTTPServerTransport>();

function jsonError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

async function handleLegacy(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
  const header = req.headers['mcp-session-id'];
  const sid = Array.isArray(header) ? header[0] : header;
  const existing = sid ? sessions.get(sid) : undefined;
  if (existing) {
    await existing.handleRequest(req, res, body);
    return;
  }
  if (sid) {
    jsonError(res, 404, -32001, 'Session not found');
    return;
  }
  if (req.method !== 'POST' || !isInitializeRequest(body)) {
    jsonError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    return;
  }
  const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    eventStore: new MemoryEventStore(),
    retryInterval: 1000,
    onsessioninitialized: (id) => {
      sessions.set(id, transport);
    },
  });
  const server = await fixtureServerFactory({ era: 'legacy' });
  transport.onclose = () => {
    if (transport.sessionId) sessions.delete(transport.sessionId);
    void server.close();
  };
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const validateHost = localhostHostValidation();
const validateOrigin = localhostOriginValidation();

const http = createServer((req, res) => {
  void (async () => {
    if (!validateHost(req, res) || !validateOrigin(req, res)) return;
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/mcp') {
      res.writeHead(404).end();
      return;
    }
    // Both legs need the body and the node stream reads once: read it here, hand both the parsed value.
    let body: unknown;
    if (req.method === 'POST') {
      if (!isJsonContentType(req.headers['content-type'])) {
        jsonError(res, 415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
        return;
      }
      const raw = await readBody(req);
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        jsonError(res, 400, -32700, 'Parse error');
        return;
      }
    }
    const probe = await toWebRequest(req, body);
    if (await isLegacyRequest(probe, body)) await handleLegacy(req, res, body);
    else await modernNode(req, res, body);
  })().catch((err: unknown) => {
    log(`request failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    if (!res.headersSent) jsonError(res, 500, -32603, 'Internal error');
    else res.end();
  });
});

http.listen(Number(opts.port), opts.host, () => {
  const { port } = http.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  process.stdout.write(`listening on http://${host}:${port}/mcp\n`);
});

const stop = () => {
  for (const t of sessions.values()) void t.close();
  void modern.close();
  http.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
