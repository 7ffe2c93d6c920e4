/**
 * The embedded AuditStore: `audit.db` in the data directory, beside oauth.db and opened the same
 * way. Its own file, so a burst of audit writes never holds the lock the sign-in path needs.
 */
import { openSqlite, type SqliteDb, type SqliteMigration, type Statement } from '../stores/sqlite.js';
import { type AuditRecord, snakeRecord } from './record.js';
import { fromRow, type Row, where } from './sql.js';
import type { AuditFacets, AuditFilter, AuditPage, AuditStore, HourCount } from './store.js';

/** audit.db's schema steps (`PRAGMA user_version`); step 1 is 0.1.0's unnumbered schema. */
export const AUDIT_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'audit trail',
    sql: `
CREATE TABLE IF NOT EXISTS audit (
  id TEXT PRIMARY KEY,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  org_id TEXT,
  principal TEXT NOT NULL,
  principal_kind TEXT NOT NULL,
  key_id TEXT,
  user TEXT,
  client_name TEXT,
  client_version TEXT,
  tool TEXT NOT NULL,
  tier TEXT NOT NULL,
  args_summary TEXT NOT NULL,
  args_sha256 TEXT NOT NULL,
  outcome TEXT NOT NULL,
  http_status INTEGER,
  request_id TEXT,
  duration_ms INTEGER NOT NULL,
  approval TEXT NOT NULL,
  task_id TEXT
);
CREATE INDEX IF NOT EXISTS audit_org_at ON audit (org_id, at);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
`,
  },
];

const HOUR_MS = 3_600_000;

class SqliteAuditStore implements AuditStore {
  readonly #db: SqliteDb;
  readonly #insert: Statement<Row>;
  readonly #appendAll: (rows: readonly Row[]) => void;

  constructor(db: SqliteDb) {
    this.#db = db;
    this.#insert = db.prepare<Row>(
      `INSERT OR IGNORE INTO audit (id, at, kind, org_id, principal, principal_kind, key_id, user,
         client_name, client_version, tool, tier, args_summary, args_sha256, outcome, http_status,
         request_id, duration_ms, approval, task_id)
       VALUES (@id, @at, @kind, @org_id, @principal, @principal_kind, @key_id, @user, @client_name,
         @client_version, @tool, @tier, @args_summary, @args_sha256, @outcome, @http_status,
         @request_id, @duration_ms, @approval, @task_id)`,
    );
    // One transaction per batch: a thousand records cost one fsync, not a thousand.
    this.#appendAll = (rows) =>
      db.transaction(() => {
        for (const row of rows) this.#insert.run(row);
      });
  }

  async append(records: readonly AuditRecord[]): Promise<void> {
    if (records.length) this.#appendAll(records.map(snakeRecord));
  }

  async query(filter: AuditFilter, page: { limit: number; offset: number }): Promise<AuditPage> {
    const w = where(filter, () => '?');
    const rows = this.#db
      .prepare<Row>(`SELECT * FROM audit WHERE ${w.sql} ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`)
      .all(...w.params, page.limit, page.offset);
    const total = this.#db
      .prepare<{ n: number }>(`SELECT count(*) AS n FROM audit WHERE ${w.sql}`)
      .get(...w.params);
    return { records: rows.map(fromRow), total: total?.n ?? 0 };
  }

  async hourly(filter: AuditFilter): Promise<HourCount[]> {
    const w = where(filter, () => '?');
    return this.#db
      .prepare<HourCount>(
        `SELECT (at / ${HOUR_MS}) * ${HOUR_MS} AS hour, outcome, count(*) AS count
         FROM audit WHERE ${w.sql} GROUP BY hour, outcome ORDER BY hour`,
      )
      .all(...w.params);
  }

  async facets(orgId: string): Promise<AuditFacets> {
    const tools = this.#db
      .prepare<{ tool: string }>('SELECT DISTINCT tool FROM audit WHERE org_id = ? ORDER BY tool')
      .all(orgId)
      .map((r) => r.tool);
    const clients = this.#db
      .prepare<{ c: string }>(
        'SELECT DISTINCT client_name AS c FROM audit WHERE org_id = ? AND client_name IS NOT NULL ORDER BY c',
      )
      .all(orgId)
      .map((r) => r.c);
    return { tools, clients };
  }

  async purge(before: number): Promise<number> {
    return this.#db.prepare('DELETE FROM audit WHERE at < ?').run(before).changes;
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

/** Opens (creating if needed) `<dataDir>/audit.db`, or an in-memory database for `':memory:'`. */
export async function openSqliteAuditStore(dataDir: string | ':memory:'): Promise<AuditStore> {
  const db = await openSqlite(dataDir, 'audit.db', 'audit trail', AUDIT_MIGRATIONS);
  return new SqliteAuditStore(db);
}
