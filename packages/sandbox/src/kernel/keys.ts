/**
 * API-key records: minting, hashing and the public view. Only a SHA-256 of the token body (the
 * part after `g8_live_`/`g8_test_`) is stored, so the prefix is cosmetic (§1.2: the stored mode is
 * authoritative) and a database leak yields no usable credential.
 */
import type { Db } from '../module.js';
import { newKeyId, newTokenBody, sha256Hex } from '../util/ids.js';
import { readJson } from '../util/json.js';

export type KeyMode = 'live' | 'test';

export interface ApiKeyRow {
  id: string;
  org_id: string;
  name: string;
  mode: KeyMode;
  scopes: string;
  token_hash: string;
  is_agency: number;
  created_by: string | null;
  user_email: string | null;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  is_legacy_unrestricted: number;
}

export interface NewKey {
  orgId: string;
  name: string;
  mode: KeyMode;
  scopes: readonly string[];
  isAgency: boolean;
  createdBy: string | null;
  userEmail: string | null;
  /** Epoch seconds. */
  createdAt: number;
  expiresAt: number | null;
}

export interface MintedKey {
  row: ApiKeyRow;
  token: string;
}

const PREFIX_RE = /^g8_(live|test)_/;

/** The lookup hash for a presented token: prefix stripped, then SHA-256. */
export function tokenHash(token: string): string {
  return sha256Hex(token.replace(PREFIX_RE, ''));
}

export function insertKey(db: Db, key: NewKey, tokenBody: string = newTokenBody()): MintedKey {
  const token = `g8_${key.mode}_${tokenBody}`;
  const row: ApiKeyRow = {
    id: newKeyId(),
    org_id: key.orgId,
    name: key.name,
    mode: key.mode,
    scopes: JSON.stringify(key.scopes),
    token_hash: tokenHash(token),
    is_agency: key.isAgency ? 1 : 0,
    created_by: key.createdBy,
    user_email: key.userEmail,
    created_at: key.createdAt,
    expires_at: key.expiresAt,
    last_used_at: null,
    is_legacy_unrestricted: 0,
  };
  db.prepare(
    `INSERT INTO api_keys (id, org_id, name, mode, scopes, token_hash, is_agency, created_by, user_email,
       created_at, expires_at, last_used_at, is_legacy_unrestricted)
     VALUES (@id, @org_id, @name, @mode, @scopes, @token_hash, @is_agency, @created_by, @user_email,
       @created_at, @expires_at, @last_used_at, @is_legacy_unrestricted)`,
  ).run(row);
  return { row, token };
}

export function keyScopes(row: Pick<ApiKeyRow, 'scopes'>): string[] {
  const scopes = readJson<unknown>(row.scopes, []);
  return Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : [];
}

/** The list view (§3.2): never the token or its hash. */
export function publicKey(row: ApiKeyRow) {
  const scopes = keyScopes(row);
  return {
    api_key_id: row.id,
    name: row.name,
    mode: row.mode,
    scopes,
    is_agency: row.is_agency === 1,
    is_legacy_unrestricted: row.is_legacy_unrestricted === 1,
    created_by: row.created_by,
    created_at: row.created_at,
    expires_at: row.expires_at,
    last_used_at: row.last_used_at,
  };
}
