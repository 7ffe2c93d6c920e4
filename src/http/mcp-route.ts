/**
 * POST/GET/DELETE /mcp. Order: the URL's tool selection (400 for unknown values) → who is calling
 * (401 + challenge) → the body → the session (404 when unknown, expired or someone else's) → the
 * session's transport (transport.ts). Each session gets its own MCP Server from buildServer,
 * holding only the tool list it exposes (shared, cached per selection) and a closure that finds
 * the caller's upstream credential — never the MCP token.
 *
 * In stateless mode (G8_HTTP_STATELESS) every POST gets a throwaway Server and transport.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { McpAuthenticator, McpPrincipal } from '../auth/mcp-auth.js';
import { readOnlyFor } from '../auth/scopes.js';
import { SelectionError } from '../catalogue/select.js';
import { directToolCall } from '../mcp/server.js';
import type { HostHooks, ToolHost } from '../mcp/tool-host.js';
import { readJsonBody } from './body.js';
import { isInitialize } from './jsonrpc.js';
import { isGone } from './reply.js';
import { QueryError, type Selected, type SelectionCache } from './selection.js';
import type { SessionRegistry } from './sessions.js';
import { failHttp, HttpTransport, onlyToolCalls } from './transport.js';

export interface McpRouteDeps {
  readonly auth: McpAuthenticator;
  readonly selections: SelectionCache;
  readonly sessions: SessionRegistry;
  readonly stateless: boolean;
  readonly jsonResponse: boolean;
  /** buildServer with everything shared already bound: only the tools and credential vary. */
  readonly buildServer: (selected: Selected, credential: McpPrincipal['credential']) => Server;
  /** The same tools without a Server (tool-host.ts), for a stateless POST of only tools/calls. */
  readonly buildHost: (
    selected: Selected,
    credential: McpPrincipal['credential'],
    hooks: HostHooks,
  ) => ToolHost;
  readonly logger: { error(obj: object, msg: string): void };
}

type Query = Record<string, unknown>;

/** One authenticated request to /mcp, its body read. */
interface Incoming {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly query: Query;
  readonly principal: McpPrincipal;
  readonly body: unknown;
}

function queryOf(url: string | undefined): Query {
  const at = url?.indexOf('?') ?? -1;
  return at === -1 ? {} : (parseQuery((url as string).slice(at + 1)) as Query);
}

function sessionHeader(req: IncomingMessage): string | undefined {
  const value = req.headers['mcp-session-id'];
  return Array.isArray(value) ? value[0] : value;
}

/** What a stateless request's tools may ask of the connection, answered by the transport alone. */
function hooksOn(transport: HttpTransport): HostHooks {
  const nothing = async () => {};
  return {
    clientCapabilities: () => undefined,
    notify: (notification, relatedRequestId) =>
      transport.send({ jsonrpc: '2.0', ...notification } as JSONRPCMessage, { relatedRequestId }),
    log: nothing,
    // A fresh Server would send it on the GET stream, which stateless mode does not have.
    toolListChanged: nothing,
    elicit: () => Promise.reject(new Error('elicitation needs a session')),
  };
}

export function mcpRoute(deps: McpRouteDeps) {
  const { sessions } = deps;

  async function authenticate(req: IncomingMessage, res: ServerResponse): Promise<McpPrincipal | undefined> {
    const outcome = await deps.auth.authenticate(req.headers);
    if (outcome.ok) return outcome.principal;
    const body = JSON.stringify(outcome.body);
    res.writeHead(outcome.status, { ...outcome.headers, 'content-type': 'application/json; charset=utf-8' });
    res.end(body);
    return undefined;
  }

  function toolsFor(query: Query, principal: McpPrincipal): Selected {
    const readOnly = principal.scopes !== undefined && readOnlyFor(principal.scopes);
    return deps.selections.select(query, readOnly);
  }

  /** A Server and its transport, connected; the transport takes tools/call directly. */
  async function connect(
    selected: Selected,
    principal: McpPrincipal,
    transport: HttpTransport,
  ): Promise<Server> {
    const server = deps.buildServer(selected, principal.credential);
    await server.connect(transport);
    transport.direct = directToolCall(server);
    return server;
  }

  async function stateless({ req, res, query, principal, body }: Incoming): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return failHttp(res, 405, -32000, 'This server is stateless: only POST /mcp is served');
    }
    const transport = new HttpTransport({ json: deps.jsonResponse });
    const selected = toolsFor(query, principal);
    let server: Server | undefined;
    if (onlyToolCalls(body)) {
      // The common stateless request needs no Server: building and wiring one cost about as much
      // as the call itself. The tools see what a fresh Server would show them (no client
      // capabilities, no log level); their progress goes on this POST's stream.
      transport.direct = deps.buildHost(selected, principal.credential, hooksOn(transport)).direct;
    } else {
      server = await connect(selected, principal, transport);
    }
    res.once('close', () => {
      // Answered in full: nothing is left running, and the pair is simply dropped (closing a
      // Server builds a "Connection closed" error with a stack trace, a real cost per request).
      // A client that went away early gets its work in flight aborted.
      if (res.writableFinished) return;
      void transport.close().catch(() => {});
      void server?.close().catch(() => {});
    });
    transport.handle(req, res, body);
  }

  async function open({ req, res, query, principal, body }: Incoming): Promise<void> {
    const transport = new HttpTransport({
      sessionId: randomUUID(),
      json: deps.jsonResponse,
      onInitialized: (id) => sessions.add({ id, owner: principal.owner, transport, server }),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.end(transport.sessionId);
    };
    const server = await connect(toolsFor(query, principal), principal, transport);
    transport.handle(req, res, body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const query = queryOf(req.url);
    try {
      deps.selections.check(query);
    } catch (error) {
      if (error instanceof QueryError || error instanceof SelectionError) {
        return failHttp(res, 400, -32602, error.message);
      }
      throw error;
    }
    const principal = await authenticate(req, res);
    if (!principal) return;
    const read = await readJsonBody(req);
    if (!read.ok) return failHttp(res, read.status, read.code, read.message);
    const { body } = read;
    // Left while being authenticated or sending its body: nothing to start, nobody to answer.
    if (isGone(res)) return;
    const incoming: Incoming = { req, res, query, principal, body };
    if (deps.stateless) return stateless(incoming);

    const id = sessionHeader(req);
    if (id !== undefined) {
      const session = sessions.claim(id, principal.owner);
      // Unknown, expired and someone else's sessions look the same: 404, start a new one.
      if (!session) return failHttp(res, 404, -32001, 'Session not found; initialize a new session');
      return session.transport.handle(req, res, body);
    }
    if (req.method === 'POST' && isInitialize(body)) return open(incoming);
    return failHttp(res, 400, -32000, 'Bad Request: send Mcp-Session-Id, or initialize a session first');
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      deps.logger.error(
        { err: error instanceof Error ? error.message : String(error) },
        '/mcp request failed',
      );
      failHttp(res, 500, -32603, 'Internal server error');
    });
  };
}
