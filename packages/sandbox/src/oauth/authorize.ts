/**
 * GET/POST /oauth/authorize: validate the request (client and redirect first: if those are wrong
 * nothing is redirected anywhere), show the demo-user sign-in, then redirect back with a
 * one-minute, single-use code bound to the PKCE challenge.
 */
import type { Request, Response } from 'express';
import { covers, scopeProblem } from '../kernel/scopes.js';
import type { Db } from '../module.js';
import { newTokenBody, sha256Hex } from '../util/ids.js';
import { clientName, redirectAllowed } from './clients.js';
import { type LoginUser, renderError, renderLogin } from './page.js';

export const CODE_PREFIX = 'g8ac_';
const CODE_TTL_MS = 60_000;

/** What a member signs in with; admins are unrestricted (an empty list, §1.9). */
export const MEMBER_SCOPES: readonly string[] = [
  'contacts:read',
  'companies:read',
  'deals:read',
  'enrichment:read',
  'sequences:read',
  'inbox:read',
  'integrations:read',
  'campaigns:read',
  'knowledge:read',
  'account:read',
];

export interface AuthorizeContext {
  readonly db: Db;
  readonly now: () => number;
  readonly extraRedirects: readonly string[];
  readonly issuer: (req: Request) => string;
  readonly page: (res: Response, status: number, html: string) => void;
}

interface AuthRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string | undefined;
  readonly scope: string;
  readonly codeChallenge: string;
}

type Parsed = { ok: true; request: AuthRequest } | { ok: false; page: string } | { ok: false; redirect: URL };

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function errorRedirect(
  redirectUri: string,
  error: string,
  description: string,
  state?: string,
  iss?: string,
): URL {
  const url = new URL(redirectUri);
  url.searchParams.set('error', error);
  url.searchParams.set('error_description', description);
  if (state !== undefined) url.searchParams.set('state', state);
  if (iss !== undefined) url.searchParams.set('iss', iss);
  return url;
}

function parse(ctx: AuthorizeContext, p: Record<string, unknown>, iss: string): Parsed {
  const clientId = str(p.client_id);
  const redirectUri = str(p.redirect_uri);
  if (!clientId || clientName(ctx.db, clientId) === undefined)
    return { ok: false, page: 'Unknown client_id.' };
  if (!redirectUri || !redirectAllowed(redirectUri, ctx.extraRedirects)) {
    return { ok: false, page: 'This redirect_uri is not registered for the client.' };
  }
  const state = str(p.state);
  const fail = (error: string, description: string): Parsed => ({
    ok: false,
    redirect: errorRedirect(redirectUri, error, description, state, iss),
  });
  if (p.response_type !== 'code') return fail('unsupported_response_type', 'response_type must be code');
  const challenge = str(p.code_challenge);
  if (!challenge || !/^[A-Za-z0-9_-]{43}$/.test(challenge) || p.code_challenge_method !== 'S256') {
    return fail('invalid_request', 'PKCE with code_challenge_method S256 is required');
  }
  const scope = str(p.scope) ?? '';
  const bad = scope
    .split(' ')
    .filter(Boolean)
    .map(scopeProblem)
    .find((x) => x !== null);
  if (bad) return fail('invalid_scope', bad);
  return { ok: true, request: { clientId, redirectUri, state, scope, codeChallenge: challenge } };
}

function users(db: Db): LoginUser[] {
  return db
    .prepare<[], LoginUser>(
      `SELECT u.id AS id, u.name AS name, u.email AS email, u.role AS role, o.name AS orgName
       FROM users u JOIN orgs o ON o.id = u.org_id ORDER BY o.created_at, o.id, u.id`,
    )
    .all();
}

export function showLogin(ctx: AuthorizeContext, req: Request, res: Response): void {
  const parsed = parse(ctx, req.query as Record<string, unknown>, ctx.issuer(req));
  if (!parsed.ok) {
    if ('redirect' in parsed) res.redirect(302, parsed.redirect.href);
    else ctx.page(res, 400, renderError(parsed.page));
    return;
  }
  const r = parsed.request;
  const params: Record<string, string> = {
    client_id: r.clientId,
    redirect_uri: r.redirectUri,
    response_type: 'code',
    code_challenge: r.codeChallenge,
    code_challenge_method: 'S256',
    scope: r.scope,
    ...(r.state !== undefined ? { state: r.state } : {}),
  };
  const html = renderLogin({
    clientName: clientName(ctx.db, r.clientId) ?? r.clientId,
    redirectHost: new URL(r.redirectUri).host,
    scopes: r.scope,
    users: users(ctx.db),
    params,
  });
  ctx.page(res, 200, html);
}

/** The signed-in user's scopes, narrowed to what was asked for. */
function grantedScopes(role: string, requested: string): string[] | undefined {
  const own = role === 'admin' ? [] : [...MEMBER_SCOPES];
  const asked = requested.split(' ').filter(Boolean);
  if (asked.length === 0) return own;
  const granted = asked.filter((s) => covers(own, [s]));
  return granted.length ? granted : undefined;
}

export function submitLogin(ctx: AuthorizeContext, req: Request, res: Response): void {
  const iss = ctx.issuer(req);
  const body = (req.body ?? {}) as Record<string, unknown>;
  const parsed = parse(ctx, body, iss);
  if (!parsed.ok) {
    if ('redirect' in parsed) res.redirect(303, parsed.redirect.href);
    else ctx.page(res, 400, renderError(parsed.page));
    return;
  }
  const r = parsed.request;
  if (body.action === 'deny') {
    res.redirect(303, errorRedirect(r.redirectUri, 'access_denied', 'The user cancelled', r.state, iss).href);
    return;
  }
  const user = ctx.db
    .prepare<[number], { id: number; role: string }>('SELECT id, role FROM users WHERE id = ?')
    .get(Number(str(body.user_id) ?? Number.NaN));
  if (!user) {
    ctx.page(res, 400, renderError('Choose one of the demo users.'));
    return;
  }
  const scopes = grantedScopes(user.role, r.scope);
  if (!scopes) {
    const url = errorRedirect(
      r.redirectUri,
      'invalid_scope',
      'This user holds none of the scopes asked for',
      r.state,
      iss,
    );
    res.redirect(303, url.href);
    return;
  }
  const code = `${CODE_PREFIX}${newTokenBody()}`;
  ctx.db
    .prepare(
      `INSERT INTO oauth_codes (code_hash, client_id, user_id, scopes, redirect_uri, code_challenge, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      sha256Hex(code),
      r.clientId,
      user.id,
      JSON.stringify(scopes),
      r.redirectUri,
      r.codeChallenge,
      ctx.now() + CODE_TTL_MS,
    );
  const target = new URL(r.redirectUri);
  target.searchParams.set('code', code);
  if (r.state !== undefined) target.searchParams.set('state', r.state);
  target.searchParams.set('iss', iss);
  res.redirect(303, target.href);
}
