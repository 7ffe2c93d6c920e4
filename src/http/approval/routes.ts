/**
 * GET and POST /approve/{id}: a person sees one pending call and approves or declines it after
 * signing in with an API key that is the caller's (the same key, or a key of the graph8 user of
 * the caller's grant). The consent page's rules: a browser cookie and a per-view CSRF token (both
 * stored hashed), the Origin check, no framing, no caching.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { type ApiKeyVerifier, looksLikeApiKey, subjectOf } from '../../auth/api-keys.js';
import { readCookie } from '../../auth/consent/cookies.js';
import { pageHeaders, renderMessage } from '../../auth/consent/page.js';
import { randomToken, safeEqual, sha256Hex } from '../../auth/crypto.js';
import type { AuthStore } from '../../auth/store.js';
import type { Approval, Approvals } from './desk.js';
import { renderApproval } from './page.js';

const APPROVAL_COOKIE = 'g8_mcp_approval';

export interface ApprovalDeps {
  readonly approvals: Approvals;
  readonly apiKeys: ApiKeyVerifier;
  readonly store: AuthStore;
  readonly publicUrl: URL;
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
  const show = (req: Request, res: Response, approval: Approval, status = 200, error?: string) => {
    const browser = readCookie(req.headers.cookie, APPROVAL_COOKIE) ?? randomToken();
    const csrf = randomToken();
    approval.browserHash = sha256Hex(browser);
    approval.csrfHash = sha256Hex(csrf);
    const maxAge = Math.max(1, Math.ceil((approval.expiresAt - Date.now()) / 1000));
    res.setHeader(
      'Set-Cookie',
      `${APPROVAL_COOKIE}=${browser}; Path=/approve; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`,
    );
    const html = renderApproval({ approval, csrf, serverHost: deps.publicUrl.host, error });
    res.status(status).set(pageHeaders([])).type('html').send(html);
  };

  /** The signed-in key is the caller: the same key, or a key of the user the caller's grant is for. */
  const isCaller = async (approval: Approval, key: string, subject: string): Promise<boolean> => {
    if (approval.owner.startsWith('key:')) return safeEqual(`key:${sha256Hex(key)}`, approval.owner);
    if (!approval.owner.startsWith('grant:')) return false;
    const grant = await deps.store.getGrant(approval.owner.slice('grant:'.length));
    return grant !== undefined && grant.revokedAt === null && grant.subject === subject;
  };

  const submit = async (req: Request, res: Response) => {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== deps.publicUrl.origin) {
      return message(res, 403, 'Request refused', 'This form can only be sent from this server’s own page.');
    }
    const approval = deps.approvals.get(text(req.params.id));
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
      approval.status = 'declined';
      return message(res, 200, 'Declined', `Nothing will be done. ${approval.tool} was not approved.`);
    }
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
      return show(
        req,
        res,
        approval,
        403,
        'This action was asked for by another graph8 key or user: sign in with the key of the app that asked (or of the graph8 user who connected it).',
      );
    }
    approval.status = 'approved';
    return message(
      res,
      200,
      'Approved',
      `Approved: ${approval.summary} Go back to the app: its next call of ${approval.tool} with the same arguments goes through.`,
    );
  };

  router.get('/approve/:id', (req, res) => {
    const approval = deps.approvals.get(text(req.params.id));
    if (approval?.status !== 'pending') return gone(res);
    show(req, res, approval);
  });
  router.post(
    '/approve/:id',
    express.urlencoded({ extended: false, limit: '16kb' }),
    (req, res, next: NextFunction) => {
      submit(req, res).catch(next);
    },
  );
  return router;
}
