/**
 * POST/GET/DELETE /mcp. Order: who is calling (401 + challenge) → the body, read once → the URL's
 * tool selection (400 for unknown values, with the request's id) → the era: the SDK's own routing decision. 2026-07-28 requests go to createMcpHandler (stateless, a Server per request from the
 * factory); 2025-era traffic to sessions (legacy.ts), or with G8_HTTP_STATELESS to the SDK's
 * stateless fallback. Every leg builds its Server with the same factory: the caller's tools and a
 * closure that finds its upstream credential — never the MCP token.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toNodeHandler } from '@modelcontextprotocol/node';
import {
  type AuthInfo,
  createMcpHandler,
  isJsonContentType,
  legacyStatelessFallback,
  type McpRequestContext,
  type McpServer,
  type Server,
  type ServerEventBus,
} from '@modelcontextprotocol/server';
import type { McpAuthenticator, McpPrincipal } from '../auth/mcp-auth.js';
import { readOnlyFor } from '../auth/scopes.js';
import { SelectionError } from '../catalogue/select.js';
import { metrics } from '../ops/metrics.js';
import { httpRequestId, tracer } from '../ops/trace.js';
import { MAX_BODY_BYTES, readJsonBody } from './body.js';
import { clientAddress } from './client-address.js';
import { isLegacy } from './era.js';
import { legacyLeg, type SessionServerFactory } from './legacy.js';
import { rpcError } from './rpc-error.js';
import { singleRequestId } from './rpc-ids.js';
import { QueryError, type Selected, type SelectionCache } from './selection.js';
import type { SessionRegistry } from './sessions.js';
import type { SharedSessions } from './shared-sessions/sessions.js';

export interface McpRouteDeps {
  readonly auth: McpAuthenticator;
  readonly selections: SelectionCache;
  readonly sessions: SessionRegistry;
  /** 2025-era sessions in Redis, served by any replica (G8_REDIS_URL). */
  readonly sharedSessions?: SharedSessions;
  /** 2025-era clients without sessions (G8_HTTP_STATELESS). */
  readonly stateless: boolean;
  readonly jsonResponse: boolean;
  /** G8_TRUST_PROXY: the client's address is X-Forwarded-For's (for the failed-check throttle). */
  readonly trustProxy?: boolean;
  /** The server factory with everything shared already bound: only the tools and caller vary. */
  readonly buildServer: (selected: Selected, principal: McpPrincipal) => McpServer | Server;
  /** Where `subscriptions/listen` streams hear of list changes (default: this process only). */
  readonly bus?: ServerEventBus;
  readonly logger: { error(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/** What the route hands the SDK entries for one request, on AuthInfo's pass-through `extra`. */
interface Caller {
  readonly selected: Selected;
  readonly principal: McpPrincipal;
}

function searchOf(url: string | undefined): string {
  const at = url?.indexOf('?') ?? -1;
  return at === -1 ? '' : (url as string).slice(at + 1);
}

/** The AuthInfo the SDK passes through to the factory. The token is never put there. */
function authInfoFor(caller: Caller): AuthInfo {
  return {
    token: '',
    clientId: caller.principal.owner,
    scopes: [...(caller.principal.scopes ?? [])],
    extra: { caller },
  };
}

/** A subscriptions/listen stream, open until its response closes. */
function countOpen(res: ServerResponse): void {
  metrics.gauge('listen_streams', 1);
  res.once('close', () => metrics.gauge('listen_streams', -1));
}

export interface McpRoute {
  (req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
}

export function mcpRoute(deps: McpRouteDeps): McpRoute {
  const fromContext = (ctx: McpRequestContext): McpServer | Server => {
    const caller = ctx.authInfo?.extra?.caller as Caller | undefined;
    // Every request reaching the entries went through authenticate(); this cannot be missing.
    if (!caller) throw new Error('MCP request without a caller');
    return deps.buildServer(caller.selected, caller.principal);
  };
  const modern = createMcpHandler(fromContext, {
    legacy: 'reject',
    responseMode: deps.jsonResponse ? 'json' : 'auto',
    maxRequestBodySize: MAX_BODY_BYTES,
    ...(deps.bus ? { bus: deps.bus } : {}),
    onerror: (error) => deps.logger.error({ err: error.message }, 'MCP request failed'),
  });
  const serveModern = toNodeHandler(modern);
  const serveStateless = toNodeHandler({ fetch: legacyStatelessFallback(fromContext) });
  const serveSession = legacyLeg({
    sessions: deps.sessions,
    jsonResponse: deps.jsonResponse,
    logger: deps.logger,
    ...(deps.sharedSessions ? { shared: deps.sharedSessions } : {}),
  });

  async function authenticate(req: IncomingMessage, res: ServerResponse): Promise<McpPrincipal | undefined> {
    const outcome = await deps.auth.authenticate(req.headers, clientAddress(req, Boolean(deps.trustProxy)));
    if (outcome.ok) return outcome.principal;
    metrics.oauthRefused('mcp', outcome.body.error);
    const body = JSON.stringify(outcome.body);
    res.writeHead(outcome.status, { ...outcome.headers, 'content-type': 'application/json; charset=utf-8' });
    res.end(body);
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, read: { body?: unknown }): Promise<void> {
    const principal = await authenticate(req, res);
    if (!principal) return;
    if (req.method === 'POST' && !isJsonContentType(req.headers['content-type'])) {
      return rpcError(res, 415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    }
    const outcome = await readJsonBody(req);
    if (!outcome.ok) return rpcError(res, outcome.status, outcome.code, outcome.message);
    // Left while being authenticated or sending its body: nothing to start, nobody to answer.
    if (res.destroyed) return;
    const { body } = outcome;
    read.body = body;
    // The URL's selection is checked once the caller is known and the body read, so that a
    // refusal tells only a signed-in caller about the tools, and carries the request's id.
    const search = searchOf(req.url);
    const readOnly = principal.scopes !== undefined && readOnlyFor(principal.scopes);
    let selected: Selected;
    try {
      selected = deps.selections.forSearch(search, readOnly);
    } catch (error) {
      if (error instanceof QueryError || error instanceof SelectionError) {
        return rpcError(res, 400, -32602, error.message, singleRequestId(body));
      }
      throw error;
    }
    const caller: Caller = { selected, principal };
    const auth = authInfoFor(caller);
    if (!isLegacy(req, body)) {
      (req as IncomingMessage & { auth?: AuthInfo }).auth = auth;
      if ((body as { method?: unknown } | undefined)?.method === 'subscriptions/listen') countOpen(res);
      return serveModern(req, res, body);
    }
    if (deps.stateless) {
      (req as IncomingMessage & { auth?: AuthInfo }).auth = auth;
      return serveStateless(req, res, body);
    }
    // A session opened on another replica is rebuilt with its opening URL's tools and token's scopes.
    const build: SessionServerFactory = (from) => {
      if (!from) return deps.buildServer(caller.selected, caller.principal);
      const readOnlyThen = from.scopes !== undefined && readOnlyFor(from.scopes);
      const selectedThen = deps.selections.forSearch(from.search, readOnlyThen);
      return deps.buildServer(selectedThen, { ...principal, scopes: from.scopes });
    };
    return serveSession(req, res, body, { owner: principal.owner, scopes: principal.scopes, search }, build);
  }

  const route = (req: IncomingMessage, res: ServerResponse): void => {
    const read: { body?: unknown } = {};
    // Our X-Request-Id: the caller's own if it sent a sane one, so both sides' logs and traces meet.
    const requestId = httpRequestId(req.headers['x-request-id'], randomUUID);
    res.setHeader('x-request-id', requestId);
    const t = tracer();
    const handled = t ? t.http(req.headers, requestId, () => handle(req, res, read)) : handle(req, res, read);
    handled.catch((error: unknown) => {
      deps.logger.error(
        { err: error instanceof Error ? error.message : String(error) },
        '/mcp request failed',
      );
      rpcError(res, 500, -32603, 'Internal server error', singleRequestId(read.body));
    });
  };
  return Object.assign(route, { close: () => modern.close() });
}
