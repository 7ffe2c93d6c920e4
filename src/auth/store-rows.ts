/**
 * The rows of the store's tables, as both backends (SQLite, PostgreSQL) keep them, and their
 * conversion to the records of store.ts. Lists (scopes, a pending request's data) are JSON text
 * in both, so a row copies from one backend to the other unchanged (migrate-state).
 */
import type { AuthorizationCode, Grant, PendingAuthorization, TokenRecord } from './store.js';

/**
 * The tables, with `time` as the column type of epoch milliseconds (SQLite INTEGER, PostgreSQL
 * BIGINT). PostgreSQL's first migration is made from this: change it only by adding to it.
 */
/** What the sweep reads (`expires_at < now`), in both engines. */
export const EXPIRY_INDEXES = `
CREATE INDEX pending_expiry ON pending (expires_at);
CREATE INDEX codes_expiry ON codes (expires_at);
CREATE INDEX tokens_expiry ON tokens (expires_at);
`;

export function oauthTables(time: 'INTEGER' | 'BIGINT'): string {
  return `
CREATE TABLE IF NOT EXISTS clients (
  client_id TEXT PRIMARY KEY,
  info TEXT NOT NULL,
  created_at ${time} NOT NULL
);
CREATE TABLE IF NOT EXISTS pending (
  id_hash TEXT PRIMARY KEY,
  browser_hash TEXT NOT NULL,
  csrf_hash TEXT NOT NULL,
  upstream_state_hash TEXT UNIQUE,
  upstream_verifier TEXT,
  data TEXT NOT NULL,
  expires_at ${time} NOT NULL
);
CREATE TABLE IF NOT EXISTS grants (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  scopes TEXT NOT NULL,
  resource TEXT NOT NULL,
  credential_kind TEXT NOT NULL,
  credential TEXT NOT NULL,
  subject TEXT NOT NULL,
  created_at ${time} NOT NULL,
  revoked_at ${time}
);
CREATE TABLE IF NOT EXISTS codes (
  code_hash TEXT PRIMARY KEY,
  grant_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  resource TEXT NOT NULL,
  scopes TEXT NOT NULL,
  expires_at ${time} NOT NULL,
  used_at ${time}
);
CREATE TABLE IF NOT EXISTS tokens (
  token_hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
  grant_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  scopes TEXT NOT NULL,
  resource TEXT NOT NULL,
  expires_at ${time} NOT NULL,
  revoked_at ${time},
  used_at ${time}
);
CREATE INDEX IF NOT EXISTS tokens_grant ON tokens (grant_id);
`;
}

export interface PendingRow {
  id_hash: string;
  browser_hash: string;
  csrf_hash: string;
  upstream_state_hash: string | null;
  upstream_verifier: string | null;
  data: string;
  expires_at: number;
}

export interface GrantRow {
  id: string;
  client_id: string;
  scopes: string;
  resource: string;
  credential_kind: Grant['credentialKind'];
  credential: string;
  subject: string;
  created_at: number;
  revoked_at: number | null;
}

export interface CodeRow {
  code_hash: string;
  grant_id: string;
  client_id: string;
  redirect_uri: string;
  code_challenge: string;
  resource: string;
  scopes: string;
  expires_at: number;
  used_at: number | null;
}

export interface TokenRow {
  token_hash: string;
  kind: TokenRecord['kind'];
  grant_id: string;
  client_id: string;
  scopes: string;
  resource: string;
  expires_at: number;
  revoked_at: number | null;
  used_at: number | null;
}

export type PendingData = Pick<
  PendingAuthorization,
  'clientId' | 'redirectUri' | 'codeChallenge' | 'state' | 'scopes' | 'resource'
>;

export function pendingFrom(row: PendingRow): PendingAuthorization {
  const data = JSON.parse(row.data) as PendingData;
  return {
    ...data,
    idHash: row.id_hash,
    browserHash: row.browser_hash,
    csrfHash: row.csrf_hash,
    expiresAt: row.expires_at,
    upstreamStateHash: row.upstream_state_hash ?? undefined,
    upstreamVerifierSealed: row.upstream_verifier ?? undefined,
  };
}

export function grantFrom(row: GrantRow): Grant {
  return {
    id: row.id,
    clientId: row.client_id,
    scopes: JSON.parse(row.scopes) as string[],
    resource: row.resource,
    credentialKind: row.credential_kind,
    credentialSealed: row.credential,
    subject: row.subject,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

export function codeFrom(row: CodeRow): AuthorizationCode {
  return {
    codeHash: row.code_hash,
    grantId: row.grant_id,
    clientId: row.client_id,
    redirectUri: row.redirect_uri,
    codeChallenge: row.code_challenge,
    resource: row.resource,
    scopes: JSON.parse(row.scopes) as string[],
    expiresAt: row.expires_at,
  };
}

export function tokenFrom(row: TokenRow): TokenRecord {
  return {
    tokenHash: row.token_hash,
    kind: row.kind,
    grantId: row.grant_id,
    clientId: row.client_id,
    scopes: JSON.parse(row.scopes) as string[],
    resource: row.resource,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    usedAt: row.used_at,
  };
}

/** The columns a new pending request is inserted with (its upstream leg is set later). */
export function pendingInsert(p: PendingAuthorization) {
  const data: PendingData = {
    clientId: p.clientId,
    redirectUri: p.redirectUri,
    codeChallenge: p.codeChallenge,
    state: p.state,
    scopes: p.scopes,
    resource: p.resource,
  };
  return {
    id_hash: p.idHash,
    browser_hash: p.browserHash,
    csrf_hash: p.csrfHash,
    data: JSON.stringify(data),
    expires_at: p.expiresAt,
  };
}

/** The columns a new grant is inserted with (never revoked yet). */
export function grantInsert(g: Grant) {
  return {
    id: g.id,
    client_id: g.clientId,
    scopes: JSON.stringify(g.scopes),
    resource: g.resource,
    credential_kind: g.credentialKind,
    credential: g.credentialSealed,
    subject: g.subject,
    created_at: g.createdAt,
  };
}

export function codeInsert(c: AuthorizationCode) {
  return {
    code_hash: c.codeHash,
    grant_id: c.grantId,
    client_id: c.clientId,
    redirect_uri: c.redirectUri,
    code_challenge: c.codeChallenge,
    resource: c.resource,
    scopes: JSON.stringify(c.scopes),
    expires_at: c.expiresAt,
  };
}

export function tokenInsert(t: TokenRecord) {
  return {
    token_hash: t.tokenHash,
    kind: t.kind,
    grant_id: t.grantId,
    client_id: t.clientId,
    scopes: JSON.stringify(t.scopes),
    resource: t.resource,
    expires_at: t.expiresAt,
  };
}
