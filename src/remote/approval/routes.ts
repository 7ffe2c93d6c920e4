/**
 * GET and POST /approve/{id}: a person sees one pending call and approves or declines it after
 * signing in with an API key that is the caller's (the same key, or a key of the graph8 user of
 * the caller's grant). The consent page's rules: a browser cookie and a per-view CSRF token (both
 * stored hashed), the Origin check, no framing, no caching.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import * as oauth from 'oauth4webapi';
import { type ApiKeyVerifier, looksLikeApiKey, subjectOf } from '../../auth/api-keys.js';
import { readCookie } from '../../auth/consent/cookies.js';
import { pageHeaders, renderMessage } from '../../auth/consent/page.js';
import { randomToken, safeEqual, sha256Hex } from '../../auth/crypto.js';
import type { AuthStore } from '../../auth/store.js';
import type { UpstreamOAuth } from '../../auth/upstream.js';
import { type Approval, type ApprovalBook, ApprovalsUnavailableError } from '../../stores/approvals.js';
import { renderApproval } from './page.js';

const APPROVAL_COOKIE = 'g8_mcp_approval';

export interface ApprovalDeps {
  readonly approvals: ApprovalBook;
  readonly apiKeys: ApiKeyVerifier;
  readonly store: AuthStore;
  readonly publicUrl: URL;
  /** "Sign in with graph8", when configured; its callback is the consent flow's /oauth/callback. */
  readonly upstream?: UpstreamOAuth | undefined;
  readonly logger: { warn(obj: object, msg: string): void };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function approvalRouter(deps: ApprovalDeps): express.Router {
  const router = express.Router();
  const secure = deps.publicUrl.protocol === 'https:';

  const message = (res: Response, status: number, title: string, body: string) => {
    res.status(status).set(pageHeaders([])).type('html').send(renderMessage(title, body));
  };
  const gone = (res: Response) =>
    message(
      res,
      404,
      'Nothing to approve',
      'This approval expired or was already answered. Ask the app to try again.',
    );

  /** Shows the approval, binding this view to the browser (cookie) and to the form (CSRF). */
  const show = async (req: Request, res: Response, approval: Approval, status = 200, error?: string) => {
    const browser = readCookie(req.headers.cookie, APPROVAL_COOKIE) ?? randomToken();
    const csrf = randomToken();
    await deps.approvals.view(approval.id, { browserHash: sha256Hex(browser), csrfHash: sha256Hex(csrf) });
    const maxAge = Math.max(1, Math.ceil((approval.expiresAt - Date.now()) / 1000));
    // Lax, as the consent cookie: it must come back on the top-level redirect from graph8's sign-in.
    res.setHeader(
      'Set-Cookie',
      `${APPROVAL_COOKIE}=${browser}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? '; Secure' : ''}`,
    );
    const targets: string[] = [];
    if (deps.upstream) {
      try {
        targets.push(await deps.upstream.authorizationOrigin());
      } catch (err) {
        deps.logger.warn({ err: String(err) }, 'upstream discovery failed; approval by API key only');
      }
    }
    const html = renderApproval({
      approval,
      csrf,
      serverHost: deps.publicUrl.host,
      upstreamAvailable: targets.length > 0,
      error,
    });
    res.status(status).set(pageHeaders(targets)).type('html').send(html);
  };

  /** The signed-in key is the caller: the same key, or a key of the user the caller's grant is for. */
  const isCaller = async (approval: Approval, key: string | undefined, subject: string): Promise<boolean> => {
    if (approval.owner.startsWith('key:'))
      return key !== undefined && safeEqual(`key:${sha256Hex(key)}`, approval.owner);
    if (!approval.owner.startsWith('grant:')) return false;
    const grant = await deps.store.getGrant(approval.owner.slice('grant:'.length));
    return grant !== undefined && grant.revokedAt === null && grant.subject === subject;
  };

  const submit = async (req: Request, res: Response) => {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== deps.publicUrl.origin) {
      return message(res, 403, 'Request refused', 'This form can only be sent from this server’s own page.');
    }
    const approval = await deps.approvals.get(text(req.params.id));
    if (approval?.status !== 'pending') return gone(res);
    const form = (req.body ?? {}) as Record<string, unknown>;
    const browser = readCookie(req.headers.cookie, APPROVAL_COOKIE);
    const sameBrowser =
      browser !== undefined &&
      approval.browserHash !== undefined &&
      safeEqual(sha256Hex(browser), approval.browserHash);
    const sameView =
      approval.csrfHash !== undefined && safeEqual(sha256Hex(text(form.csrf)), approval.csrfHash);
    if (!sameBrowser || !sameView) {
      return message(
        res,
        403,
        'Request refused',
        'This approval form could not be verified. Open the link again.',
      );
    }
    if (text(form.action) === 'decline') {
      if (!(await deps.approvals.settle(approval.id, 'declined'))) return gone(res);
      return message(res, 200, 'Declined', `Nothing will be done. ${approval.tool} was not approved.`);
    }
    if (text(form.action) === 'graph8') return toUpstream(res, approval);
    const key = text(form.api_key).trim();
    if (!looksLikeApiKey(key))
      return show(req, res, approval, 400, 'That is not a graph8 API key (g8_live_… or g8_test_…).');
    const check = await deps.apiKeys.verify(key);
    if (!check.ok) {
      return show(
        req,
        res,
        approval,
        check.reason === 'refused' ? 400 : 503,
        'graph8 refused that API key, or could not be reached.',
      );
    }
    if (!(await isCaller(approval, key, subjectOf(check.identity)))) {
      return show(req, res, approval, 403, notCaller);
    }
    return approve(res, approval);
  };

  /** Approves once: answered meanwhile (on this replica or another), it is gone. */
  const approve = async (res: Response, approval: Approval) => {
    if (!(await deps.approvals.settle(approval.id, 'approved'))) return gone(res);
    message(
      res,
      200,
      'Approved',
      `Approved: ${approval.summary} Go back to the app: its next call of ${approval.tool} with the same arguments goes through.`,
    );
  };

  const notCaller =
    'This action was asked for by another graph8 key or user: sign in with the key of the app that asked (or as the graph8 user who connected it).';

  const toUpstream = async (res: Response, approval: Approval) => {
    if (!deps.upstream)
      return message(res, 400, 'Not available', 'Sign in with graph8 is not set up on this server.');
    const state = oauth.generateRandomState();
    const verifier = oauth.generateRandomCodeVerifier();
    await deps.approvals.startSignIn(approval.id, { stateHash: sha256Hex(state), verifier });
    const target = await deps.upstream.authorizationUrl(state, verifier);
    res.redirect(303, target.href);
  };

  /** graph8's sign-in came back: an approval's, or (next) the consent flow's. */
  const callback = async (req: Request, res: Response, next: NextFunction) => {
    const state = text(req.query.state);
    // Unreadable (Redis down), it may be the consent flow's sign-in, which needs no Redis: it goes on.
    const signIn =
      state && deps.upstream
        ? await deps.approvals.takeSignIn(sha256Hex(state)).catch((error: unknown) => {
            if (error instanceof ApprovalsUnavailableError) return undefined;
            throw error;
          })
        : undefined;
    if (!signIn || !deps.upstream) return next();
    const { approval, verifier } = signIn;
    const browser = readCookie(req.headers.cookie, APPROVAL_COOKIE);
    if (
      browser === undefined ||
      !approval.browserHash ||
      !safeEqual(sha256Hex(browser), approval.browserHash)
    ) {
      return message(res, 403, 'Request refused', 'This sign-in was started in another browser.');
    }
    let accessToken: string;
    try {
      accessToken = (await deps.upstream.exchange(new URL(req.originalUrl, deps.publicUrl), state, verifier))
        .accessToken;
    } catch (err) {
      deps.logger.warn({ err: err instanceof Error ? err.name : 'error' }, 'approval sign-in failed');
      return message(
        res,
        502,
        'graph8 sign-in failed',
        'graph8 did not complete the sign-in. Open the link again.',
      );
    }
    const me = await deps.apiKeys.describe(accessToken);
    // Only who signed in matters here: the token is not kept.
    void deps.upstream.revoke(accessToken).catch(() => {});
    if (!me.ok)
      return message(res, 502, 'graph8 sign-in failed', 'graph8 did not accept the sign-in. Try again.');
    if (!(await isCaller(approval, undefined, subjectOf(me.identity))))
      return show(req, res, approval, 403, notCaller);
    return approve(res, approval);
  };

  router.get('/approve/:id', (req, res, next: NextFunction) => {
    deps.approvals
      .get(text(req.params.id))
      .then((approval) => (approval?.status === 'pending' ? show(req, res, approval) : gone(res)))
      .catch(next);
  });
  router.get('/oauth/callback', (req, res, next: NextFunction) => {
    callback(req, res, next).catch(next);
  });
  router.post(
    '/approve/:id',
    express.urlencoded({ extended: false, limit: '16kb' }),
    (req, res, next: NextFunction) => {
      submit(req, res).catch(next);
    },
  );
  // The shared book (Redis) did not answer: nothing was changed; the person may simply retry.
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!(error instanceof ApprovalsUnavailableError)) return next(error);
    res.setHeader('Retry-After', '5');
    message(
      res,
      503,
      'Try again shortly',
      'This approval cannot be read right now. Reload the page in a few seconds.',
    );
  });
  return router;
}
