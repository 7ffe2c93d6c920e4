/**
 * Remote mode's request listener. /mcp — every MCP message — is served on node:http directly
 * (Host check → Origin check + CORS → the MCP route): express's router and body parser cost more
 * per call than the rest of the request. Everything else is an express app; mount order matters:
 *   health (before the Host check: probes use the pod address)
 *   → Host allow-list (DNS rebinding)
 *   → discovery metadata → /audit and the approval page (each takes its own /oauth/callback states)
 *   → consent endpoints → the OAuth endpoints (/authorize, /token,
 *     /register, /revoke; src/auth/endpoints) with our provider
 *   → JSON 404 and a last-resort error handler that never shows a stack.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import express, { type NextFunction, type Request, type Response } from 'express';
import type { ConsentFlow } from '../auth/consent/flow.js';
import { consentRouter } from '../auth/consent/routes.js';
import { oauthEndpoints, type RateLimitOption } from '../auth/endpoints/index.js';
import type { OAuthServerProvider } from '../auth/provider.js';
import { hostCheck, hostGuard, originCheck } from './guard.js';
import { healthRouter } from './health.js';
import { type McpRouteDeps, mcpRoute } from './mcp-route.js';
import { metadataRouter } from './metadata.js';
import type { RemoteSettings } from './options.js';

/** Per-IP limits of the OAuth endpoints; `false` turns them off (tests). */
export type RateLimits = RateLimitOption;

export interface RemoteAppDeps {
  readonly settings: RemoteSettings;
  readonly canonicalResource: string;
  readonly scopes: readonly string[];
  readonly provider: OAuthServerProvider;
  readonly consent: ConsentFlow;
  /** /audit and its JSON endpoint (src/audit/routes.ts); before the consent flow's /oauth/callback. */
  readonly audit?: express.Router | undefined;
  /** GET/POST /approve/{id}: the approval page (approval/routes.ts). */
  readonly approval?: express.Router;
  readonly mcp: McpRouteDeps;
  readonly ping: () => Promise<void>;
  /** The shared engines in use (PostgreSQL, Redis) and whether each answers. */
  readonly engines?: () => Promise<Record<string, 'ok' | 'unavailable'>>;
  readonly trustProxy: boolean;
  readonly rateLimit: RateLimits;
  readonly logger: { error(obj: object, msg: string): void };
}

export const DOCUMENTATION_URL = 'https://www.npmjs.com/package/g8-mcp-server#remote-mode';

/** True for `/mcp` and `/mcp/`, with or without a query. */
export function isMcpPath(url: string | undefined): boolean {
  if (!url?.startsWith('/mcp')) return false;
  const rest = url.charCodeAt(4);
  // Nothing, '?' or '/' followed by nothing or '?'.
  if (Number.isNaN(rest) || rest === 63) return true;
  return rest === 47 && (url.length === 5 || url.charCodeAt(5) === 63);
}

export interface RemoteApp {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Ends the 2026 requests in flight (sessions are closed by their registry). */
  close(): Promise<void>;
}

export function createRemoteApp(deps: RemoteAppDeps): RemoteApp {
  const app = createExpressApp(deps);
  const host = hostCheck(deps.settings.allowedHosts);
  const origin = originCheck(deps.settings.allowedOrigins);
  const mcp = mcpRoute(deps.mcp);
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (!isMcpPath(req.url)) {
      app(req, res);
      return;
    }
    if (host(req, res) && origin(req, res)) mcp(req, res);
  };
  return Object.assign(handle, { close: () => mcp.close() });
}

function createExpressApp(deps: RemoteAppDeps): express.Express {
  const { settings } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.trustProxy);

  app.use(
    healthRouter({
      ping: deps.ping,
      sessions: () => deps.mcp.sessions.size,
      ...(deps.engines ? { engines: deps.engines } : {}),
    }),
  );
  app.use(hostGuard(settings.allowedHosts));
  app.use(
    metadataRouter({
      publicUrl: settings.publicUrl,
      canonicalResource: deps.canonicalResource,
      scopes: deps.scopes,
      documentationUrl: DOCUMENTATION_URL,
    }),
  );
  if (deps.audit) app.use(deps.audit);
  // Before the consent endpoints: an approval's graph8 sign-in shares /oauth/callback with them.
  if (deps.approval) app.use(deps.approval);
  app.use(consentRouter(deps.consent));
  app.use(oauthEndpoints({ provider: deps.provider, rateLimit: deps.rateLimit }));

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', error_description: 'Not Found' });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: unknown }).status;
    const code = typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
    if (code === 500)
      deps.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'request failed');
    if (res.headersSent) return;
    if (code === 400 && (error as { type?: string }).type === 'entity.parse.failed') {
      res
        .status(400)
        .json({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error: invalid JSON' }, id: null });
      return;
    }
    res.status(code).json({
      error: code === 500 ? 'server_error' : 'invalid_request',
      error_description: code === 500 ? 'Internal server error' : 'Bad request',
    });
  });
  return app;
}
