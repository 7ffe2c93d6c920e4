/**
 * The sandbox's upstream OAuth provider, mounted beside /api/v1 (http/app.ts):
 * RFC 8414 metadata, /oauth/authorize (demo-user sign-in), /oauth/token, /oauth/revoke.
 *
 * The issuer is the origin the caller used when that is a loopback host (127.0.0.1 and
 * localhost both work, and so does a recording proxy in tests); otherwise the sandbox's own URL.
 * Every step runs in the kernel's serial queue, each in one transaction, like /api/v1 handlers.
 *
 * Settings come from startSandbox's `oauth` option (OAuthOptions): the access-token lifetime and
 * extra exact redirect URIs.
 */
import express, { type Request, type Response } from 'express';
import { scopeCatalogue } from '../kernel/scopes.js';
import type { Serial } from '../kernel/serial.js';
import type { Db } from '../module.js';
import { type AuthorizeContext, showLogin, submitLogin } from './authorize.js';
import { ensureLocalClient } from './clients.js';
import { LOGIN_STYLE_HASH } from './page.js';
import { revoke, type TokenContext, token } from './token.js';

export interface OAuthOptions {
  /**
   * Seconds an access token lives (default 3600). A function is asked at every token issued, so a
   * caller can shorten it while running (tests of expiry).
   */
  readonly accessTokenTtlSec?: number | (() => number);
  /** Exact redirect URIs accepted beside any loopback one. */
  readonly extraRedirects?: readonly string[];
}

export interface SandboxOAuthDeps {
  readonly db: Db;
  readonly serial: Serial;
  readonly now: () => number;
  readonly baseUrl: () => string;
  readonly log: (line: string) => void;
  readonly oauth: OAuthOptions;
}

const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/;

function accessTtl(given: OAuthOptions['accessTokenTtlSec']): number {
  const n = typeof given === 'function' ? given() : given;
  return n !== undefined && Number.isInteger(n) && n >= 1 ? n : 3600;
}

export function sandboxOAuthRouter(deps: SandboxOAuthDeps): express.Router {
  ensureLocalClient(deps.db, deps.now());
  const extraRedirects = deps.oauth.extraRedirects ?? [];
  const issuer = (req: Request): string => {
    const host = req.headers.host ?? '';
    return LOOPBACK_HOST.test(host) ? `http://${host}` : deps.baseUrl();
  };
  const page = (res: Response, status: number, html: string) => {
    res
      .status(status)
      .set({
        // No form-action: the sign-in's redirect chain ends at the MCP client, wherever that is.
        'Content-Security-Policy': `default-src 'none'; style-src ${LOGIN_STYLE_HASH}; frame-ancestors 'none'`,
        'Cache-Control': 'no-store',
        'X-Frame-Options': 'DENY',
      })
      .type('html')
      .send(html);
  };
  const authorize: AuthorizeContext = { db: deps.db, now: deps.now, extraRedirects, issuer, page };
  const tokens: TokenContext = {
    db: deps.db,
    now: deps.now,
    lifetimes: () => ({ accessSec: accessTtl(deps.oauth.accessTokenTtlSec), refreshSec: 30 * 86_400 }),
  };
  /** One step at a time, in one transaction; a crash answers JSON, never a stack. */
  const step =
    (fn: (req: Request, res: Response) => void) =>
    (req: Request, res: Response): void => {
      deps.serial
        .run(async () => deps.db.transaction(() => fn(req, res))())
        .catch((error: unknown) => {
          deps.log(`sandbox: oauth error: ${error instanceof Error ? error.stack : String(error)}`);
          if (!res.headersSent) res.status(500).json({ error: 'server_error' });
        });
    };

  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  router.get('/.well-known/oauth-authorization-server', (req, res) => {
    const iss = issuer(req);
    res.json({
      issuer: iss,
      authorization_endpoint: `${iss}/oauth/authorize`,
      token_endpoint: `${iss}/oauth/token`,
      revocation_endpoint: `${iss}/oauth/revoke`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      revocation_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      scopes_supported: scopeCatalogue().resources.flatMap((r) => r.scopes.map((s) => s.scope)),
      authorization_response_iss_parameter_supported: true,
    });
  });
  router.get(
    '/oauth/authorize',
    step((req, res) => showLogin(authorize, req, res)),
  );
  router.post(
    '/oauth/authorize',
    form,
    step((req, res) => submitLogin(authorize, req, res)),
  );
  router.post(
    '/oauth/token',
    form,
    step((req, res) => token(tokens, req, res)),
  );
  router.post(
    '/oauth/revoke',
    form,
    step((req, res) => revoke(tokens, req, res)),
  );
  return router;
}
