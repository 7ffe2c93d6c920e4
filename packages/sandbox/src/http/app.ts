/**
 * The express app: unauthenticated pages (/, /healthz, /api/v1/openapi.json) and the kernel
 * pipeline for everything else under /api/v1. Every response carries X-Request-Id, and no
 * error escapes as HTML or a stack trace.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { apiHandler, type KernelDeps } from '../kernel/pipeline.js';
import { requestIdFor } from '../kernel/request-id.js';
import { type OAuthOptions, sandboxOAuthRouter } from '../oauth/routes.js';
import { openApiDocument } from './openapi.js';
import { renderHome } from './ui.js';

export interface AppDeps extends KernelDeps {
  readonly version: string;
  readonly baseUrl: () => string;
  readonly oauth: OAuthOptions;
}

function requestId(res: Response): string {
  return typeof res.locals.requestId === 'string' ? res.locals.requestId : '';
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((req, res, next) => {
    res.locals.requestId = requestIdFor(req.headers['x-request-id']);
    res.set('X-Request-Id', requestId(res));
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/', (_req, res) => {
    res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.type('html').send(renderHome(deps.db, deps.baseUrl()));
  });

  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApiDocument(deps.router.routes(), deps.version));
  });

  const handle = apiHandler(deps);
  app.use('/api/v1', (req, res, next) => {
    handle(req, res).catch(next);
  });

  // Upstream OAuth for "Sign in with graph8" (oauth/).
  app.use(sandboxOAuthRouter(deps));

  app.use((_req, res) => {
    res.status(404).json({ detail: 'Not Found' });
  });

  // Last resort (e.g. a URL express cannot decode): a JSON answer, never express's HTML page.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status =
      typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number'
        ? error.status
        : 500;
    if (status >= 500) {
      deps.log(
        `sandbox: unhandled error (${requestId(res)}): ${error instanceof Error ? error.stack : String(error)}`,
      );
    }
    if (res.headersSent) return;
    res.status(status >= 400 && status < 600 ? status : 500);
    res.json({ detail: status >= 500 ? 'Internal server error' : 'Bad Request' });
  });

  return app;
}
