/**
 * The 2025-era leg of /mcp: sessions on the SDK's sessionful NodeStreamableHTTPServerTransport
 * (Mcp-Session-Id, the GET stream with an event store for reconnects, DELETE), one Server per
 * session from the same factory as 2026 requests.
 *
 * In front of the transport, a thin guard for what it gets wrong:
 * - a POST whose request id is still being answered in the session (or repeated within the POST)
 *   is refused with that id: the transport would map both answers to one stream and leave the
 *   others hanging for good. An id is in use from its request until the transport sends its
 *   answer, or the client cancels it (a cancelled request is never answered);
 * - a session is bound to its owner and to the scopes of the token that opened it: a request
 *   whose own token lacks one of them (the same grant refreshed down to `graph8:read`) is not
 *   served by it — 404, so the client opens a session that its token's scopes build;
 * - every HTTP-level error carries the request's id, not `null`, whenever the body is one request
 *   (ours, and the transport's own 400/406/409/… answers);
 * - in JSON response mode a question to the user (the confirmation's elicitation) cannot ride the
 *   call's answer, which is one JSON body: it goes on the session's GET stream, where the SDK
 *   transport would otherwise drop it and the call would wait for an answer that never comes.
 *
 * With G8_REDIS_URL (`shared`), a session is a record in Redis and its transport is ours
 * (shared-sessions/): a request for a session this replica does not hold rebuilds it from the record
 * (its Server from the same factory, with the opening URL's tools and scopes), and while Redis does
 * not answer such a request gets 503 with Retry-After; the sessions held here carry on, and a new
 * one is this replica's alone (as without Redis).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { isInitializeRequest, type McpServer, type Server } from '@modelcontextprotocol/server';
import { MemoryEventStore } from './event-store.js';
import { echoIdOnErrors, rpcError } from './rpc-error.js';
import { cancelledIds, type RequestId, requestIds, singleRequestId } from './rpc-ids.js';
import type { Session, SessionRegistry, SessionTransport } from './sessions.js';
import type { SharedSessions } from './shared-sessions/sessions.js';
import { SharedSessionTransport } from './shared-sessions/transport.js';

/** The caller of one request, as the session leg needs it. */
export interface LegacyCaller {
  readonly owner: string;
  /** The scopes of this request's token (undefined: an API key, every scope). */
  readonly scopes: readonly string[] | undefined;
  /** The URL's query string (its tool selection), kept with a shared session. */
  readonly search: string;
}

/** Builds a session's Server: for this request, or (`from`) for a session opened elsewhere. */
export type SessionServerFactory = (from?: {
  readonly search: string;
  readonly scopes: readonly string[] | undefined;
}) => McpServer | Server;

export interface LegacyDeps {
  readonly sessions: SessionRegistry;
  readonly jsonResponse: boolean;
  /** Sessions in Redis, any replica serving any of them (G8_REDIS_URL). */
  readonly shared?: SharedSessions;
  readonly logger?: { warn(obj: object, msg: string): void };
}

/** Seconds a client is told to wait when the shared store does not answer. */
const RETRY_AFTER_S = 5;

function unavailable(res: ServerResponse, id: RequestId | null): void {
  res.setHeader('retry-after', String(RETRY_AFTER_S));
  rpcError(
    res,
    503,
    -32000,
    `Sessions are shared through Redis, which does not answer right now; retry in ${RETRY_AFTER_S} s`,
    id,
  );
}

/** What the guard tracks of a session's transport. */
interface Live {
  readonly inFlight: Set<RequestId>;
  /** Open GET streams: where a question to the user can go in JSON response mode. */
  gets: number;
}

/** Whether a token with `have` carries every scope of a session opened with `opened`. */
function covers(have: readonly string[] | undefined, opened: readonly string[] | undefined): boolean {
  if (have === undefined) return true;
  if (opened === undefined) return false;
  return opened.every((s) => have.includes(s));
}

function sessionHeader(req: IncomingMessage): string | undefined {
  const value = req.headers['mcp-session-id'];
  return Array.isArray(value) ? value[0] : value;
}

export function legacyLeg(deps: LegacyDeps) {
  const { sessions } = deps;

  const live = new WeakMap<SessionTransport, Live>();
  /** Sessions being rebuilt here: concurrent requests for one share the copy. */
  const rebuilding = new Map<string, Promise<Session | undefined>>();

  /** Forwards to the session's transport, holding the request ids while they are answered. */
  async function forward(session: Session, req: IncomingMessage, res: ServerResponse, body: unknown) {
    const state = live.get(session.transport) as Live;
    const ids = req.method === 'POST' ? requestIds(body) : [];
    const taken = ids.find((id, i) => state.inFlight.has(id) || ids.indexOf(id) !== i);
    if (taken !== undefined) {
      return rpcError(
        res,
        409,
        -32600,
        `Request id ${JSON.stringify(taken)} is already being answered in this session; use a new id`,
        taken,
      );
    }
    const single = singleRequestId(body);
    if (single !== null) echoIdOnErrors(res, single);
    for (const id of ids) state.inFlight.add(id);
    for (const id of req.method === 'POST' ? cancelledIds(body) : []) state.inFlight.delete(id);
    if (req.method === 'GET' && req.headers['last-event-id'] === undefined) {
      state.gets += 1;
      res.once('close', () => {
        state.gets -= 1;
      });
    }
    await session.transport.handleRequest(req, res, body);
  }

  async function open(
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
    caller: LegacyCaller,
    server: McpServer | Server,
  ): Promise<void> {
    const { owner, scopes } = caller;
    const onInitialized = (id: string) =>
      sessions.add({ id, owner, scopes, transport: transport as SessionTransport, server });
    let transport: SessionTransport | undefined;
    const { shared } = deps;
    if (shared) {
      const params = (body as { params?: unknown }).params;
      transport = await shared
        .open({ owner, scopes, search: caller.search, params }, onInitialized)
        .catch((error: unknown) => {
          // Redis does not answer: the session is this replica's alone, as without Redis.
          shared.openedLocally(error);
          return undefined;
        });
    }
    if (!transport) {
      transport = new NodeStreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        enableJsonResponse: deps.jsonResponse,
        eventStore: new MemoryEventStore(),
        // Told to clients in the priming event: how soon to come back after a stream ends early.
        retryInterval: 1000,
        onsessioninitialized: onInitialized,
      });
    }
    track(transport);
    await server.connect(transport);
    const single = singleRequestId(body);
    if (single !== null) echoIdOnErrors(res, single);
    await transport.handleRequest(req, res, body);
  }

  /** Holds the request ids a transport answers, and keeps questions in JSON mode answerable. */
  function track(transport: SessionTransport): void {
    transport.onclose = () => {
      if (transport.sessionId) sessions.end(transport.sessionId);
    };
    const state: Live = { inFlight: new Set(), gets: 0 };
    live.set(transport, state);
    const send = transport.send.bind(transport);
    transport.send = async (message, options) => {
      if ('id' in message && message.id !== undefined && ('result' in message || 'error' in message)) {
        state.inFlight.delete(message.id);
      }
      if (
        deps.jsonResponse &&
        'method' in message &&
        'id' in message &&
        options?.relatedRequestId !== undefined
      ) {
        // Nowhere to put the question: fail the call now rather than let it wait for an answer.
        // A shared session's GET stream may be on another replica, which then asks.
        const reachable =
          state.gets > 0 || (transport instanceof SharedSessionTransport && (await transport.reachable()));
        if (!reachable) throw new Error('JSON response mode: open the GET stream to be asked');
        return send(message, { ...options, relatedRequestId: undefined });
      }
      return send(message, options);
    };
  }

  /** A session this replica does not hold, rebuilt from its record; 'unavailable': Redis does not answer. */
  async function rebuild(
    id: string,
    caller: LegacyCaller,
    server: SessionServerFactory,
  ): Promise<Session | undefined | 'unavailable'> {
    const shared = deps.shared as SharedSessions;
    // Per owner too: someone else's request for the id must not make the owner's wait for nothing.
    const slot = `${caller.owner}\n${id}`;
    let pending = rebuilding.get(slot);
    if (!pending) {
      pending = (async () => {
        const record = await shared.find(id, caller.owner);
        if (!record) return undefined;
        const scopes = record.scopes ?? undefined;
        const transport = await shared.rebuild(record);
        const built = server({ search: record.search, scopes });
        try {
          track(transport);
          await built.connect(transport);
          await transport.restore(record);
        } catch (error) {
          await transport.close();
          throw error;
        }
        sessions.add({ id, owner: record.owner, scopes, transport, server: built });
        return sessions.claim(id, record.owner);
      })().finally(() => rebuilding.delete(slot));
      rebuilding.set(slot, pending);
    }
    try {
      return await pending;
    } catch (error) {
      deps.logger?.warn(
        { session: id, err: (error as Error).message },
        'a shared session could not be rebuilt',
      );
      return 'unavailable';
    }
  }

  /** `server` builds the session's Server, only when a session is opened. */
  return async function serveLegacy(
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
    caller: LegacyCaller,
    server: SessionServerFactory,
  ): Promise<void> {
    const firstId = requestIds(body)[0] ?? null;
    const id = sessionHeader(req);
    if (id !== undefined) {
      let session = sessions.claim(id, caller.owner);
      if (!session && deps.shared) {
        const found = await rebuild(id, caller, server);
        if (found === 'unavailable') return unavailable(res, firstId);
        session = found;
      }
      // Unknown, expired and someone else's sessions look the same: 404, start a new one.
      if (!session) return rpcError(res, 404, -32001, 'Session not found; initialize a new session', firstId);
      // Its Server was built for the opening token's scopes (its tools, what they may do): a
      // token with fewer may not use it. Ending it needs no scope.
      if (req.method !== 'DELETE' && !covers(caller.scopes, session.scopes)) {
        return rpcError(
          res,
          404,
          -32001,
          'Session not found for this token: it was opened with scopes this token does not carry; initialize a new session',
          firstId,
        );
      }
      deps.shared?.touch(id, caller.owner);
      return forward(session, req, res, body);
    }
    if (req.method === 'POST' && isInitializeRequest(body)) return open(req, res, body, caller, server());
    return rpcError(
      res,
      400,
      -32000,
      'Bad Request: send Mcp-Session-Id, or initialize a session first',
      firstId,
    );
  };
}
