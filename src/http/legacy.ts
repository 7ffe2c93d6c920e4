/**
 * The 2025-era leg of /mcp: sessions on the SDK's sessionful NodeStreamableHTTPServerTransport
 * (Mcp-Session-Id, the GET stream with an event store for reconnects, DELETE), one Server per
 * session from the same factory as 2026 requests.
 *
 * In front of the transport, a thin guard for what it gets wrong:
 * - a POST whose request id is still being answered in the session is refused with that id (the
 *   transport would map both answers to one stream and leave the others hanging for good);
 * - errors about the session (unknown, someone else's, none given) carry the request's id, not
 *   `null`;
 * - in JSON response mode a question to the user (the confirmation's elicitation) cannot ride the
 *   call's answer, which is one JSON body: it goes on the session's GET stream, where the SDK
 *   transport would otherwise drop it and the call would wait for an answer that never comes.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { isInitializeRequest, type McpServer, type Server } from '@modelcontextprotocol/server';
import { MemoryEventStore } from './event-store.js';
import { rpcError } from './rpc-error.js';
import type { Session, SessionRegistry } from './sessions.js';

export interface LegacyDeps {
  readonly sessions: SessionRegistry;
  readonly jsonResponse: boolean;
}

type RequestId = string | number;

/** The ids of the JSON-RPC requests in a body (a message or a batch); notifications have none. */
function requestIds(body: unknown): RequestId[] {
  const messages = Array.isArray(body) ? body : [body];
  const ids: RequestId[] = [];
  for (const m of messages) {
    const id = (m as { id?: unknown; method?: unknown } | null)?.id;
    if ((typeof id === 'string' || typeof id === 'number') && 'method' in (m as object)) ids.push(id);
  }
  return ids;
}

function sessionHeader(req: IncomingMessage): string | undefined {
  const value = req.headers['mcp-session-id'];
  return Array.isArray(value) ? value[0] : value;
}

export function legacyLeg(deps: LegacyDeps) {
  const { sessions } = deps;

  /** Forwards to the session's transport, holding the request ids while they are answered. */
  async function forward(session: Session, req: IncomingMessage, res: ServerResponse, body: unknown) {
    const ids = req.method === 'POST' ? requestIds(body) : [];
    const taken = ids.find((id) => session.inFlight.has(id));
    if (taken !== undefined) {
      return rpcError(
        res,
        409,
        -32600,
        `Request id ${JSON.stringify(taken)} is already being answered in this session; use a new id`,
        taken,
      );
    }
    for (const id of ids) session.inFlight.add(id);
    if (ids.length) {
      res.once('close', () => {
        for (const id of ids) session.inFlight.delete(id);
      });
    }
    await session.transport.handleRequest(req, res, body);
  }

  async function open(
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
    owner: string,
    server: McpServer | Server,
  ): Promise<void> {
    const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      enableJsonResponse: deps.jsonResponse,
      eventStore: new MemoryEventStore(),
      // Told to clients in the priming event: how soon to come back after a stream ends early.
      retryInterval: 1000,
      onsessioninitialized: (id) => sessions.add({ id, owner, transport, server }),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.end(transport.sessionId);
    };
    if (deps.jsonResponse) {
      const send = transport.send.bind(transport);
      transport.send = (message, options) =>
        'method' in message && 'id' in message && options?.relatedRequestId !== undefined
          ? send(message, { ...options, relatedRequestId: undefined })
          : send(message, options);
    }
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  /** `server` builds the session's Server, only when a session is opened. */
  return async function serveLegacy(
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
    owner: string,
    server: () => McpServer | Server,
  ): Promise<void> {
    const firstId = requestIds(body)[0] ?? null;
    const id = sessionHeader(req);
    if (id !== undefined) {
      const session = sessions.claim(id, owner);
      // Unknown, expired and someone else's sessions look the same: 404, start a new one.
      if (!session) return rpcError(res, 404, -32001, 'Session not found; initialize a new session', firstId);
      return forward(session, req, res, body);
    }
    if (req.method === 'POST' && isInitializeRequest(body)) return open(req, res, body, owner, server());
    return rpcError(
      res,
      400,
      -32000,
      'Bad Request: send Mcp-Session-Id, or initialize a session first',
      firstId,
    );
  };
}
