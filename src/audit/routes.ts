/**
 * Reading the audit trail in remote mode:
 * - GET /audit: the page (or its sign-in); POST /audit/sign-in, POST /audit/sign-out;
 * - GET /oauth/callback when the upstream `state` is an /audit sign-in's (else the consent flow's);
 * - GET /audit/records: JSON for scripts and `g8 audit`, with the credential /mcp takes (a graph8
 *   API key, or an MCP access token from this server) and the same failed-check throttle.
 * Every read is scoped to the reader's org (access.ts), so another org's records never show.
 */
import type { IncomingMessage } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import * as oauth from 'oauth4webapi';
import type { ApiClient } from '../api/client.js';
import { looksLikeApiKey } from '../auth/api-keys.js';
import { pageHeaders } from '../auth/consent/page.js';
import type { McpAuthenticator } from '../auth/mcp-auth.js';
import { type UpstreamOAuth, UpstreamRefusedError, type UpstreamTokens } from '../auth/upstream.js';
import { clientAddress } from '../remote/client-address.js';
import { checkReader, type Reader } from './access.js';
import { chartHours, MAX_HOURS, renderChart } from './chart.js';
import { AUDIT_STYLE_HASH, renderAuditMessage, renderSignIn, renderTrail } from './page.js';
import { type AuditQuery, parseAuditQuery, QueryValueError } from './query.js';
import { recordJson } from './record.js';
import { AUDIT_STATE_PREFIX, type AuditCookies } from './session.js';
import type { AuditFilter, AuditStore } from './store.js';

export interface AuditRouteDeps {
  readonly store: AuditStore;
  readonly cookies: AuditCookies;
  readonly api: ApiClient;
  readonly auth: McpAuthenticator;
  readonly upstream: UpstreamOAuth | undefined;
  readonly publicUrl: URL;
  readonly trustProxy: boolean;
  readonly logger: { warn(obj: object, msg: string): void };
  readonly now?: () => number;
}

const HOUR_MS = 3_600_000;

function run(step: (req: Request, res: Response, next: NextFunction) => Promise<void>) {
  return (req: Request, res: Response, next: NextFunction): void => {
    step(req, res, next).catch(next);
  };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function filterFor(orgId: string, q: AuditQuery): AuditFilter {
  return { orgId, tool: q.tool, outcome: q.outcome, client: q.client, from: q.from, to: q.to };
}

export function auditRouter(deps: AuditRouteDeps): express.Router {
  const router = express.Router();
  const addressOf = (req: Request) => clientAddress(req as IncomingMessage, deps.trustProxy);
  const now = deps.now ?? Date.now;
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  async function formTargets(): Promise<string[]> {
    if (!deps.upstream) return [];
    try {
      return [await deps.upstream.authorizationOrigin()];
    } catch {
      return [];
    }
  }

  async function page(res: Response, status: number, html: string): Promise<void> {
    res
      .status(status)
      .set(pageHeaders(await formTargets(), AUDIT_STYLE_HASH))
      .type('html')
      .send(html);
  }

  function message(res: Response, status: number, title: string, body: string): Promise<void> {
    return page(res, status, renderAuditMessage(title, body));
  }

  async function signInPage(req: Request, res: Response, status: number, error?: string): Promise<void> {
    const browser = deps.cookies.browser(req.headers.cookie);
    if (browser.setCookie) res.append('Set-Cookie', browser.setCookie);
    let upstreamAvailable = false;
    if (deps.upstream) upstreamAvailable = (await formTargets()).length > 0;
    await page(
      res,
      status,
      renderSignIn({
        serverHost: deps.publicUrl.host,
        csrf: deps.cookies.csrfFor(browser.id),
        upstreamAvailable,
        error,
      }),
    );
  }

  async function trailPage(req: Request, res: Response, reader: Reader): Promise<void> {
    const browser = deps.cookies.browser(req.headers.cookie);
    if (browser.setCookie) res.append('Set-Cookie', browser.setCookie);
    const at = now();
    let query: AuditQuery;
    let error: string | undefined;
    try {
      query = parseAuditQuery(req.query as Record<string, unknown>, at);
    } catch (e) {
      if (!(e instanceof QueryValueError)) throw e;
      query = { page: 1, limit: 50 };
      error = e.message;
    }
    const filter = filterFor(reader.orgId, query);
    // The chart covers the filtered range, or the last day; at most MAX_HOURS bars.
    const to = query.to ?? at;
    const from = query.from ?? to - 24 * HOUR_MS;
    const hours = chartHours(from, to);
    const [found, facets, counts] = await Promise.all([
      deps.store.query(filter, { limit: query.limit, offset: (query.page - 1) * query.limit }),
      deps.store.facets(reader.orgId),
      deps.store.hourly({ ...filter, from: Math.max(from, hours.first), to }),
    ]);
    await page(
      res,
      200,
      renderTrail({
        reader,
        csrf: deps.cookies.csrfFor(browser.id),
        query,
        facets,
        records: found.records,
        total: found.total,
        chart: renderChart(counts, Math.max(from, to - MAX_HOURS * HOUR_MS), to),
        error,
      }),
    );
  }

  /** The consent page's rule: a form may only come from this server's own page, with its token. */
  function formRefused(req: Request): boolean {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== deps.publicUrl.origin) return true;
    return !deps.cookies.csrfMatches(req.headers.cookie, text((req.body as { csrf?: unknown })?.csrf));
  }

  function refusedForm(res: Response): Promise<void> {
    return message(res, 403, 'Request refused', 'This form could not be verified. Open /audit again.');
  }

  router.get(
    '/audit',
    run(async (req, res) => {
      const reader = deps.cookies.session(req.headers.cookie);
      if (reader) return trailPage(req, res, reader);
      return signInPage(req, res, 200);
    }),
  );

  router.post(
    '/audit/sign-in',
    form,
    run(async (req, res) => {
      if (formRefused(req)) return refusedForm(res);
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (body.action === 'graph8') return toUpstream(res);
      if (body.action !== 'api_key') return signInPage(req, res, 400, 'Pick one of the ways to sign in.');
      const key = text(body.api_key).trim();
      if (!looksLikeApiKey(key)) {
        return signInPage(req, res, 400, 'That is not a graph8 API key (g8_live_… or g8_test_…).');
      }
      // The key is checked as /mcp checks it: with the same throttle of failed checks per address.
      const outcome = await deps.auth.authenticate({ 'x-api-key': key }, addressOf(req));
      if (!outcome.ok) {
        const why =
          outcome.status === 429
            ? `Too many failed sign-ins from here; try again in ${outcome.headers['Retry-After'] ?? 'a few'} s.`
            : outcome.status === 503
              ? 'graph8 could not be reached to check the key. Try again in a moment.'
              : 'graph8 refused that API key. Check it is current and copied in full.';
        return signInPage(req, res, outcome.status === 401 ? 403 : outcome.status, why);
      }
      return signedIn(req, res, await checkReader(deps.api, key));
    }),
  );

  async function toUpstream(res: Response): Promise<void> {
    const upstream = deps.upstream;
    if (!upstream) {
      return message(res, 400, 'Not available', 'Sign in with graph8 is not set up on this server.');
    }
    const state = `${AUDIT_STATE_PREFIX}${oauth.generateRandomState()}`;
    const verifier = oauth.generateRandomCodeVerifier();
    let target: URL;
    try {
      target = await upstream.authorizationUrl(state, verifier);
    } catch (error) {
      deps.logger.warn({ err: String(error) }, 'upstream discovery failed (audit sign-in)');
      return message(
        res,
        502,
        'graph8 sign-in unavailable',
        'graph8 could not be reached. Try again shortly.',
      );
    }
    res.append('Set-Cookie', deps.cookies.pendingCookie({ state, verifier }));
    res.redirect(303, target.href);
  }

  async function signedIn(
    req: Request,
    res: Response,
    check: Awaited<ReturnType<typeof checkReader>>,
  ): Promise<void> {
    if (!check.ok) return signInPage(req, res, check.status === 503 ? 503 : 403, check.message);
    res.append('Set-Cookie', deps.cookies.sessionCookie(check.reader));
    res.redirect(303, '/audit');
  }

  router.get(
    '/oauth/callback',
    run(async (req, res, next) => {
      const state = text(req.query.state);
      if (!state.startsWith(AUDIT_STATE_PREFIX)) return next();
      res.append('Set-Cookie', deps.cookies.clearPending());
      const pending = deps.cookies.pending(req.headers.cookie);
      if (!deps.upstream || !pending || pending.state !== state) {
        return message(
          res,
          400,
          'Sign-in expired',
          'This sign-in expired or was started in another browser.',
        );
      }
      let tokens: UpstreamTokens;
      try {
        tokens = await deps.upstream.exchange(
          new URL(req.originalUrl, deps.publicUrl),
          state,
          pending.verifier,
        );
      } catch (error) {
        if (error instanceof UpstreamRefusedError && error.error === 'access_denied') {
          return message(res, 403, 'Sign-in cancelled', 'The graph8 sign-in was declined.');
        }
        deps.logger.warn({ err: String(error) }, 'upstream sign-in failed (audit)');
        return message(res, 502, 'graph8 sign-in failed', 'graph8 did not complete the sign-in. Try again.');
      }
      const check = await checkReader(deps.api, tokens.accessToken);
      // Only the reader's org and label are kept: graph8's tokens are not needed after this.
      void deps.upstream.revoke(tokens.refreshToken ?? tokens.accessToken).catch(() => {});
      return signedIn(req, res, check);
    }),
  );

  router.post(
    '/audit/sign-out',
    form,
    run(async (req, res) => {
      if (formRefused(req)) return refusedForm(res);
      res.append('Set-Cookie', deps.cookies.clearSession());
      res.redirect(303, '/audit');
    }),
  );

  router.get(
    '/audit/records',
    run(async (req, res) => {
      res.set('Cache-Control', 'no-store');
      const reader = await apiReader(req, res);
      if (!reader) return;
      let query: AuditQuery;
      try {
        query = parseAuditQuery(req.query as Record<string, unknown>, now(), 100);
      } catch (error) {
        if (!(error instanceof QueryValueError)) throw error;
        res.status(400).json({ error: 'invalid_request', error_description: error.message });
        return;
      }
      const found = await deps.store.query(filterFor(reader.orgId, query), {
        limit: query.limit,
        offset: (query.page - 1) * query.limit,
      });
      res.json({
        org_id: reader.orgId,
        org_name: reader.orgName,
        page: query.page,
        limit: query.limit,
        total: found.total,
        records: found.records.map(recordJson),
      });
    }),
  );

  /** The JSON endpoint's caller: authenticated as on /mcp, then held to the reader rule. */
  async function apiReader(req: Request, res: Response): Promise<Reader | undefined> {
    const outcome = await deps.auth.authenticate(req.headers, addressOf(req));
    if (!outcome.ok) {
      res.status(outcome.status).set(outcome.headers).json(outcome.body);
      return undefined;
    }
    let credential: string;
    try {
      credential = await outcome.principal.credential();
    } catch {
      // A grant whose upstream sign-in ended (credentials.ts): sign in again.
      res
        .status(401)
        .json({ error: 'invalid_token', error_description: 'This sign-in has ended; sign in again.' });
      return undefined;
    }
    const check = await checkReader(deps.api, credential);
    if (!check.ok) {
      const code = check.status === 503 ? 'temporarily_unavailable' : 'insufficient_scope';
      res
        .status(check.status === 401 ? 403 : check.status)
        .json({ error: code, error_description: check.message });
      return undefined;
    }
    return check.reader;
  }

  return router;
}
