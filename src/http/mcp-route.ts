/**
 * POST/GET/DELETE /mcp. Order: the URL's tool selection (400 for unknown values) → who is calling
 * (401 + challenge) → the session (404 when unknown, expired or someone else's) → the SDK's
 * Streamable HTTP transport. Each session gets its own MCP Server from buildServer, holding only
 * the tool list it exposes (shared, cached per selection) and a closure that finds the caller's
 * upstream credential — never the MCP token.
 *
 * In stateless mode (G8_HTTP_STATELESS) every POST gets a throwaway Server and transport.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Request, Response } from 'express';
import type { McpAuthenticator, McpPrincipal } from '../auth/mcp-auth.js';
import { readOnlyFor } from '../auth/scopes.js';
import { SelectionError } from '../catalogue/select.js';
import { QueryError, type Selected, type SelectionCache } from './selection.js';
import type { SessionRegistry } from './sessions.js';

export interface McpRouteDeps {
  readonly auth: McpAuthenticator;
  readonly selections: SelectionCache;
  readonly sessions: SessionRegistry;
  readonly stateless: boolean;
  readonly jsonResponse: boolean;
  /** buildServer with everything shared already bound: only the tools and credential vary. */
  readonly buildServer: (selected: Selected, credential: McpPrincipal['credential']) => Server;
  readonly logger: { error(obj: object, msg: string): void };
}

function rpcError(res: Response, status: number, code: number, message: string): void {
  if (res.headersSent) return;
  res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null });
}

function sessionHeader(req: Request): string | undefined {
  const value = req.headers['mcp-session-id'];
  return Array.isArray(value) ? value[0] : value;
}

export function mcpRoute(deps: McpRouteDeps) {
  const { sessions } = deps;

  async function authenticate(req: Request, res: Response): Promise<McpPrincipal | undefined> {
    const outcome = await deps.auth.authenticate(req.headers);
    if (outcome.ok) return outcome.principal;
    res.status(outcome.status).set(outcome.headers).json(outcome.body);
    return undefined;
  }

  function toolsFor(req: Request, principal: McpPrincipal): Selected {
    const readOnly = principal.scopes !== undefined && readOnlyFor(principal.scopes);
    return deps.selections.select(req.query as Record<string, unknown>, readOnly);
  }

  async function stateless(req: Request, res: Response, principal: McpPrincipal): Promise<void> {
    if (req.method !== 'POST') {
      res.set('Allow', 'POST');
      return rpcError(res, 405, -32000, 'This server is stateless: only POST /mcp is served');
    }
    const server = deps.buildServer(toolsFor(req, principal), principal.credential);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: deps.jsonResponse,
    });
    res.on('close', () => {
      void transport.close().catch(() => {});
      void server.close().catch(() => {});
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  }

  async function open(req: Request, res: Response, principal: McpPrincipal): Promise<void> {
    const server = deps.buildServer(toolsFor(req, principal), principal.credential);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      enableJsonResponse: deps.jsonResponse,
      onsessioninitialized: (id) => {
        sessions.add({ id, owner: principal.owner, transport, server });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.end(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  }

  async function handle(req: Request, res: Response): Promise<void> {
    try {
      deps.selections.check(req.query as Record<string, unknown>);
    } catch (error) {
      if (error instanceof QueryError || error instanceof SelectionError) {
        return rpcError(res, 400, -32602, error.message);
      }
      throw error;
    }
    const principal = await authenticate(req, res);
    if (!principal) return;
    if (deps.stateless) return stateless(req, res, principal);

    const id = sessionHeader(req);
    if (id !== undefined) {
      const session = sessions.claim(id, principal.owner);
      // Unknown, expired and someone else's sessions look the same: 404, start a new one.
      if (!session) return rpcError(res, 404, -32001, 'Session not found; initialize a new session');
      return session.transport.handleRequest(req, res, req.body);
    }
    if (req.method === 'POST' && isInitializeRequest(req.body)) return open(req, res, principal);
    return rpcError(res, 400, -32000, 'Bad Request: send Mcp-Session-Id, or initialize a session first');
  }

  return (req: Request, res: Response): void => {
    handle(req, res).catch((error: unknown) => {
      deps.logger.error(
        { err: error instanceof Error ? error.message : String(error) },
        '/mcp request failed',
      );
      rpcError(res, 500, -32603, 'Internal server error');
    });
  };
}
