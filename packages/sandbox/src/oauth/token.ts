/**
 * POST /oauth/token (authorization_code with PKCE; refresh_token with rotation) and
 * POST /oauth/revoke (RFC 7009). The client authenticates with its secret, in the body
 * (client_secret_post) or an Authorization: Basic header (client_secret_basic).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Db } from '../module.js';
import { sha256Hex } from '../util/ids.js';
import { clientSecretMatches } from './clients.js';
import {
  findToken,
  issueTokens,
  markUsed,
  REFRESH_PREFIX,
  revokeFamily,
  type TokenLifetimes,
} from './tokens.js';

export interface TokenContext {
  readonly db: Db;
  readonly now: () => number;
  readonly lifetimes: () => TokenLifetimes;
}

class OAuthFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

interface CodeRow {
  code_hash: string;
  client_id: string;
  user_id: number;
  scopes: string;
  redirect_uri: string;
  code_challenge: string;
  expires_at: number;
  used_at: number | null;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function authenticateClient(db: Db, req: Request): string {
  const body = (req.body ?? {}) as Record<string, unknown>;
  let id = str(body.client_id);
  let secret = str(body.client_secret);
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    id = decodeURIComponent(decoded.slice(0, colon));
    secret = decodeURIComponent(decoded.slice(colon + 1));
  }
  if (!id || !secret || !clientSecretMatches(db, id, secret)) {
    throw new OAuthFailure(401, 'invalid_client', 'Client authentication failed');
  }
  return id;
}

function pkceMatches(verifier: string, challenge: string): boolean {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return false;
  const computed = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

function subjectOf(db: Db, clientId: string, userId: number, scopes: string[]) {
  const user = db
    .prepare<[number], { org_id: string; email: string }>('SELECT org_id, email FROM users WHERE id = ?')
    .get(userId);
  if (!user) throw new OAuthFailure(400, 'invalid_grant', 'The user no longer exists');
  return { clientId, orgId: user.org_id, userId, userEmail: user.email, scopes };
}

function redeemCode(ctx: TokenContext, clientId: string, body: Record<string, unknown>) {
  const code = str(body.code) ?? '';
  const row = ctx.db
    .prepare<[string], CodeRow>('SELECT * FROM oauth_codes WHERE code_hash = ?')
    .get(sha256Hex(code));
  if (!row) throw new OAuthFailure(400, 'invalid_grant', 'Unknown authorization code');
  const used = ctx.db
    .prepare('UPDATE oauth_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL')
    .run(ctx.now(), row.code_hash).changes;
  if (used !== 1) {
    revokeFamily(ctx.db, `code:${row.code_hash}`, ctx.now());
    throw new OAuthFailure(400, 'invalid_grant', 'Authorization code already used');
  }
  if (row.expires_at <= ctx.now()) throw new OAuthFailure(400, 'invalid_grant', 'Authorization code expired');
  if (row.client_id !== clientId)
    throw new OAuthFailure(400, 'invalid_grant', 'Code issued to another client');
  if (str(body.redirect_uri) !== row.redirect_uri)
    throw new OAuthFailure(400, 'invalid_grant', 'redirect_uri mismatch');
  if (!pkceMatches(str(body.code_verifier) ?? '', row.code_challenge)) {
    throw new OAuthFailure(400, 'invalid_grant', 'code_verifier does not match the challenge');
  }
  const subject = subjectOf(ctx.db, clientId, row.user_id, JSON.parse(row.scopes) as string[]);
  return issueTokens(ctx.db, subject, `code:${row.code_hash}`, ctx.now(), ctx.lifetimes());
}

function rotate(ctx: TokenContext, clientId: string, body: Record<string, unknown>) {
  const row = findToken(ctx.db, str(body.refresh_token) ?? '');
  if (row?.kind !== 'refresh' || row.client_id !== clientId) {
    throw new OAuthFailure(400, 'invalid_grant', 'Unknown refresh token');
  }
  if (!markUsed(ctx.db, row.id, ctx.now())) {
    revokeFamily(ctx.db, row.family, ctx.now());
    throw new OAuthFailure(400, 'invalid_grant', 'Refresh token already used; the sign-in was revoked');
  }
  if (row.revoked_at !== null) throw new OAuthFailure(400, 'invalid_grant', 'Refresh token revoked');
  if (row.expires_at <= Math.floor(ctx.now() / 1000))
    throw new OAuthFailure(400, 'invalid_grant', 'Refresh token expired');
  const subject = subjectOf(ctx.db, clientId, row.user_id, JSON.parse(row.scopes) as string[]);
  return issueTokens(ctx.db, subject, row.family, ctx.now(), ctx.lifetimes());
}

function answer(res: Response, run: () => unknown): void {
  res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  try {
    res.json(run());
  } catch (error) {
    if (!(error instanceof OAuthFailure)) throw error;
    if (error.status === 401) res.set('WWW-Authenticate', 'Basic realm="graph8 sandbox"');
    res.status(error.status).json({ error: error.error, error_description: error.message });
  }
}

export function token(ctx: TokenContext, req: Request, res: Response): void {
  answer(res, () => {
    const clientId = authenticateClient(ctx.db, req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.grant_type === 'authorization_code') return redeemCode(ctx, clientId, body);
    if (body.grant_type === 'refresh_token') return rotate(ctx, clientId, body);
    throw new OAuthFailure(
      400,
      'unsupported_grant_type',
      'grant_type must be authorization_code or refresh_token',
    );
  });
}

export function revoke(ctx: TokenContext, req: Request, res: Response): void {
  answer(res, () => {
    const clientId = authenticateClient(ctx.db, req);
    const value = str((req.body as Record<string, unknown> | undefined)?.token) ?? '';
    const row = findToken(ctx.db, value);
    if (row && row.client_id === clientId) {
      if (value.startsWith(REFRESH_PREFIX)) revokeFamily(ctx.db, row.family, ctx.now());
      else
        ctx.db
          .prepare('UPDATE oauth_tokens SET revoked_at = ? WHERE id = ?')
          .run(Math.floor(ctx.now() / 1000), row.id);
    }
    return {};
  });
}
