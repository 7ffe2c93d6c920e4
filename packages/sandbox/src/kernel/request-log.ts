/** The per-request audit row behind GET /logs and the UI page (§1.8): no bodies, no headers. */
import type { Db } from '../module.js';

export interface LogEntry {
  readonly requestId: string;
  readonly orgId: string | null;
  readonly keyId: string | null;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly timestamp: string;
  readonly durationMs: number;
}

const KEEP_ROWS = 20_000;
let writesSincePrune = 0;

export function recordRequest(db: Db, entry: LogEntry): void {
  db.prepare(
    `INSERT INTO request_log (request_id, org_id, key_id, method, path, status, timestamp, duration_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    entry.requestId,
    entry.orgId,
    entry.keyId,
    entry.method,
    entry.path,
    entry.status,
    entry.timestamp,
    entry.durationMs,
  );
  // A rolling window: trim now and then rather than on every write.
  if (++writesSincePrune >= 1000) {
    writesSincePrune = 0;
    db.prepare('DELETE FROM request_log WHERE id <= (SELECT MAX(id) FROM request_log) - ?').run(KEEP_ROWS);
  }
}

export interface LogRow {
  request_id: string;
  method: string;
  path: string;
  status: number;
  timestamp: string;
}

export function recentRequests(db: Db, orgId: string, limit: number): LogRow[] {
  return db
    .prepare<[string, number], LogRow>(
      `SELECT request_id, method, path, status, timestamp FROM request_log
       WHERE org_id = ? ORDER BY id DESC LIMIT ?`,
    )
    .all(orgId, limit);
}
