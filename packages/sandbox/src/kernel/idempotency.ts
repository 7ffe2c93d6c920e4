/**
 * Idempotency-Key handling (§1.7): the first completed response per (org, key) is kept for 24 h
 * and replayed verbatim. The kernel serialises handlers, so two concurrent first requests with one
 * key also execute once (stricter than the contract requires).
 */
import { type Db, HttpError } from '../module.js';
import { readJson } from '../util/json.js';

const TTL_MS = 24 * 3_600_000;

export interface CachedResponse {
  readonly status: number;
  readonly body: unknown;
}

/** The key from the header, undefined when absent; 400 when empty or over 255 characters. */
export function idempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.length < 1 || value.length > 255) {
    throw new HttpError(400, { detail: 'Idempotency-Key must be between 1 and 255 characters' });
  }
  return value;
}

export function findCached(db: Db, orgId: string, key: string, nowMs: number): CachedResponse | null {
  const row = db
    .prepare<[string, string, number], { status: number; body: string }>(
      'SELECT status, body FROM idempotency WHERE org_id = ? AND key = ? AND created_at > ?',
    )
    .get(orgId, key, nowMs - TTL_MS);
  return row ? { status: row.status, body: readJson<unknown>(row.body, null) } : null;
}

export function storeCached(
  db: Db,
  orgId: string,
  key: string,
  response: CachedResponse,
  nowMs: number,
): void {
  // An expired row for the same key is replaced; a live one is never overwritten.
  db.prepare('DELETE FROM idempotency WHERE org_id = ? AND key = ? AND created_at <= ?').run(
    orgId,
    key,
    nowMs - TTL_MS,
  );
  db.prepare(
    'INSERT OR IGNORE INTO idempotency (org_id, key, status, body, created_at) VALUES (?, ?, ?, ?, ?)',
  ).run(orgId, key, response.status, JSON.stringify(response.body ?? null), nowMs);
}

export function pruneCached(db: Db, nowMs: number): void {
  db.prepare('DELETE FROM idempotency WHERE created_at <= ?').run(nowMs - TTL_MS);
}
