/**
 * API-key authentication (§3.7 steps 1–5) and the org headers (§1.2, step 6). Messages are the
 * exact 401 texts the contract fixes; none of them echo the presented token.
 */
import { type Db, HttpError, type Principal } from '../module.js';
import { ACCESS_PREFIX, oauthKeyRow } from '../oauth/tokens.js';
import { type ApiKeyRow, keyScopes, tokenHash } from './keys.js';

export const AUTH_MESSAGES = {
  missing: 'Missing Authorization header. Use: Authorization: Bearer <api_key>',
  jwt: 'JWT token provided instead of API key',
  unknown: 'API key not associated with an organization',
  expired: 'API key expired',
  oauthUnknown: 'OAuth access token is invalid or revoked',
  oauthExpired: 'OAuth access token expired',
} as const;

export interface Authenticated {
  readonly key: ApiKeyRow;
  readonly principal: Principal;
}

function unauthorized(detail: string): HttpError {
  return new HttpError(401, { detail }, { 'WWW-Authenticate': 'Bearer' });
}

const JWT_RE = /^[A-Za-z0-9_-]+={0,2}\.[A-Za-z0-9_-]+={0,2}\.[A-Za-z0-9_-]*={0,2}$/;

export function authenticate(db: Db, authorization: string | undefined, nowMs: number): Authenticated {
  const header = authorization?.trim() ?? '';
  if (header === '') throw unauthorized(AUTH_MESSAGES.missing);
  const match = /^(\S+)\s+(\S+)$/.exec(header);
  // A non-Bearer scheme (Basic, Token, a bare value) gets the JWT message too: §3.7 step 2 groups
  // them, and it is the message that tells a browser-session caller what to do instead.
  const token = match?.[2];
  if (match?.[1]?.toLowerCase() !== 'bearer' || !token) throw unauthorized(AUTH_MESSAGES.jwt);
  if (JWT_RE.test(token)) throw unauthorized(AUTH_MESSAGES.jwt);
  if (token.startsWith(ACCESS_PREFIX)) return authenticateOAuth(db, token, nowMs);

  const key = db
    .prepare<[string], ApiKeyRow>(
      `SELECT k.* FROM api_keys k JOIN orgs o ON o.id = k.org_id WHERE k.token_hash = ?`,
    )
    .get(tokenHash(token));
  if (!key) throw unauthorized(AUTH_MESSAGES.unknown);
  const nowSec = Math.floor(nowMs / 1000);
  if (key.expires_at !== null && key.expires_at <= nowSec) throw unauthorized(AUTH_MESSAGES.expired);

  // Best-effort stamp with minute granularity (§3.2): one write per key per minute, not per call.
  if (key.last_used_at === null || nowSec - key.last_used_at >= 60) {
    db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(nowSec, key.id);
    key.last_used_at = nowSec;
  }
  return {
    key,
    principal: {
      orgId: key.org_id,
      keyId: key.id,
      scopes: keyScopes(key),
      mode: key.mode,
      userEmail: key.user_email,
    },
  };
}

/** A sandbox OAuth access token (oauth/): the signed-in user's personal credential. */
function authenticateOAuth(db: Db, token: string, nowMs: number): Authenticated {
  const found = oauthKeyRow(db, token, nowMs);
  if (found.status === 'expired') throw unauthorized(AUTH_MESSAGES.oauthExpired);
  if (found.status !== 'ok') throw unauthorized(AUTH_MESSAGES.oauthUnknown);
  const key = found.key;
  return {
    key,
    principal: {
      orgId: key.org_id,
      keyId: key.id,
      scopes: keyScopes(key),
      mode: key.mode,
      userEmail: key.user_email,
    },
  };
}

function headerText(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

/**
 * X-Org-Id is an assertion about the key's own org; X-Target-Org-Id switches an agency key to a
 * client org (own org allowed) and is ignored for other keys. Both mismatches are plain 403s.
 */
export function applyOrgHeaders(
  db: Db,
  auth: Authenticated,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Principal {
  const asserted = headerText(headers['x-org-id']);
  if (asserted !== undefined && asserted.toLowerCase() !== auth.key.org_id.toLowerCase()) {
    throw new HttpError(403, { detail: "X-Org-Id does not match the API key's organization" });
  }
  const target = headerText(headers['x-target-org-id']);
  if (target === undefined || auth.key.is_agency !== 1) return auth.principal;
  const own = auth.key.org_id;
  if (target.toLowerCase() === own.toLowerCase()) return auth.principal;
  const client = db
    .prepare<[string, string], { client_org_id: string }>(
      `SELECT client_org_id FROM agency_clients WHERE agency_org_id = ? AND lower(client_org_id) = lower(?)`,
    )
    .get(own, target);
  if (!client) throw new HttpError(403, { detail: 'Target organization is not managed by this agency' });
  return { ...auth.principal, orgId: client.client_org_id };
}
