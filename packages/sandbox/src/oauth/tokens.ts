/**
 * Sandbox OAuth tokens: `g8at_…` access tokens the REST API accepts (kernel/auth.ts asks
 * `oauthKeyRow`), `g8rt_…` refresh tokens that rotate (a reused one revokes its whole family).
 * An access token acts as a personal key of the user who signed in, with that user's scopes.
 */
import { randomBytes } from 'node:crypto';
import type { ApiKeyRow } from '../kernel/keys.js';
import type { Db } from '../module.js';
import { newTokenBody, sha256Hex } from '../util/ids.js';

export const ACCESS_PREFIX = 'g8at_';
export const REFRESH_PREFIX = 'g8rt_';
export const TOKEN_ID_PREFIX = 'oat_';

export interface TokenRow {
  id: string;
  kind: 'access' | 'refresh';
  token_hash: string;
  family: string;
  client_id: string;
  org_id: string;
  user_id: number;
  user_email: string;
  scopes: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  used_at: number | null;
}

export interface Subject {
  readonly clientId: string;
  readonly orgId: string;
  readonly userId: number;
  readonly userEmail: string;
  readonly scopes: readonly string[];
}

export interface IssuedTokens {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly refresh_token: string;
  readonly scope: string;
}

export interface TokenLifetimes {
  readonly accessSec: number;
  readonly refreshSec: number;
}

function insert(db: Db, row: TokenRow): void {
  db.prepare(
    `INSERT INTO oauth_tokens (id, kind, token_hash, family, client_id, org_id, user_id, user_email, scopes,
       created_at, expires_at, revoked_at, used_at)
     VALUES (@id, @kind, @token_hash, @family, @client_id, @org_id, @user_id, @user_email, @scopes,
       @created_at, @expires_at, NULL, NULL)`,
  ).run(row);
}

/** An access + refresh pair in one family (a sign-in and all its refreshes share the family). */
export function issueTokens(
  db: Db,
  subject: Subject,
  family: string,
  nowMs: number,
  life: TokenLifetimes,
): IssuedTokens {
  const now = Math.floor(nowMs / 1000);
  const access = `${ACCESS_PREFIX}${newTokenBody()}`;
  const refresh = `${REFRESH_PREFIX}${newTokenBody()}`;
  const base = {
    family,
    client_id: subject.clientId,
    org_id: subject.orgId,
    user_id: subject.userId,
    user_email: subject.userEmail,
    scopes: JSON.stringify(subject.scopes),
    created_at: now,
    revoked_at: null,
    used_at: null,
  };
  insert(db, {
    ...base,
    id: `${TOKEN_ID_PREFIX}${randomBytes(12).toString('hex')}`,
    kind: 'access',
    token_hash: sha256Hex(access),
    expires_at: now + life.accessSec,
  });
  insert(db, {
    ...base,
    id: `${TOKEN_ID_PREFIX}${randomBytes(12).toString('hex')}`,
    kind: 'refresh',
    token_hash: sha256Hex(refresh),
    expires_at: now + life.refreshSec,
  });
  return {
    access_token: access,
    token_type: 'Bearer',
    expires_in: life.accessSec,
    refresh_token: refresh,
    scope: subject.scopes.length ? subject.scopes.join(' ') : '*',
  };
}

export function findToken(db: Db, token: string): TokenRow | undefined {
  return db
    .prepare<[string], TokenRow>('SELECT * FROM oauth_tokens WHERE token_hash = ?')
    .get(sha256Hex(token));
}

export function revokeFamily(db: Db, family: string, nowMs: number): void {
  db.prepare('UPDATE oauth_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL').run(
    Math.floor(nowMs / 1000),
    family,
  );
}

export function markUsed(db: Db, id: string, nowMs: number): boolean {
  return (
    db
      .prepare('UPDATE oauth_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL')
      .run(Math.floor(nowMs / 1000), id).changes === 1
  );
}

function keyRowFrom(row: TokenRow): ApiKeyRow {
  // The shape the kernel and GET /me work with: a personal key of the signed-in user.
  return {
    id: row.id,
    org_id: row.org_id,
    name: `OAuth sign-in (${row.client_id})`,
    mode: 'test',
    scopes: row.scopes,
    token_hash: row.token_hash,
    is_agency: 0,
    created_by: row.user_email,
    user_email: row.user_email,
    created_at: row.created_at,
    expires_at: row.expires_at,
    last_used_at: null,
    is_legacy_unrestricted: 0,
  };
}

export type OAuthLookup = { status: 'ok'; key: ApiKeyRow } | { status: 'expired' } | { status: 'unknown' };

/** For kernel/auth.ts: what a presented `g8at_…` token stands for. */
export function oauthKeyRow(db: Db, token: string, nowMs: number): OAuthLookup {
  const row = findToken(db, token);
  if (row?.kind !== 'access' || row.revoked_at !== null) return { status: 'unknown' };
  if (row.expires_at <= Math.floor(nowMs / 1000)) return { status: 'expired' };
  const org = db.prepare<[string], { id: string }>('SELECT id FROM orgs WHERE id = ?').get(row.org_id);
  return org ? { status: 'ok', key: keyRowFrom(row) } : { status: 'unknown' };
}

/** For GET /me: the key-shaped view of an OAuth token id (`oat_…`). */
export function oauthKeyRowById(db: Db, id: string): ApiKeyRow | undefined {
  if (!id.startsWith(TOKEN_ID_PREFIX)) return undefined;
  const row = db.prepare<[string], TokenRow>('SELECT * FROM oauth_tokens WHERE id = ?').get(id);
  return row ? keyRowFrom(row) : undefined;
}
