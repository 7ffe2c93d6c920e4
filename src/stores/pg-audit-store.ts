/**
 * The audit trail on PostgreSQL (G8_DATABASE_URL): one table every replica appends to and reads,
 * the same columns as audit.db. A batch is one multi-row INSERT; a record written twice (a retried
 * batch) is kept once.
 */
import type pg from 'pg';
import { type AuditRecord, snakeRecord } from '../audit/record.js';
import { fromRow, type Row, where } from '../audit/sql.js';
import type { AuditFacets, AuditFilter, AuditPage, AuditStore, HourCount } from '../audit/store.js';

export const AUDIT_TABLE = `
  CREATE TABLE audit (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    org_id TEXT,
    principal TEXT NOT NULL,
    principal_kind TEXT NOT NULL,
    key_id TEXT,
    "user" TEXT,
    client_name TEXT,
    client_version TEXT,
    tool TEXT NOT NULL,
    tier TEXT NOT NULL,
    args_summary TEXT NOT NULL,
    args_sha256 TEXT NOT NULL,
    outcome TEXT NOT NULL,
    http_status INT,
    request_id TEXT,
    duration_ms BIGINT NOT NULL,
    approval TEXT NOT NULL,
    task_id TEXT
  );
  CREATE INDEX audit_org_at ON audit (org_id, at);
  CREATE INDEX audit_at ON audit (at);
`;

const COLUMNS = Object.keys(snakeRecord({} as AuditRecord));
const QUOTED = COLUMNS.map((c) => (c === 'user' ? '"user"' : c)).join(', ');
const HOUR_MS = 3_600_000;
const dollar = (n: number) => `$${n}`;

export class PostgresAuditStore implements AuditStore {
  constructor(private readonly pool: pg.Pool) {}

  async append(records: readonly AuditRecord[]): Promise<void> {
    if (!records.length) return;
    const params: unknown[] = [];
    const tuples = records.map((r) => {
      const row = snakeRecord(r) as Record<string, unknown>;
      const slots = COLUMNS.map((c) => {
        params.push(row[c] ?? null);
        return dollar(params.length);
      });
      return `(${slots.join(', ')})`;
    });
    await this.pool.query(
      `INSERT INTO audit (${QUOTED}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO NOTHING`,
      params,
    );
  }

  async query(filter: AuditFilter, page: { limit: number; offset: number }): Promise<AuditPage> {
    const w = where(filter, dollar);
    const n = w.params.length;
    const [rows, total] = await Promise.all([
      this.pool.query<Row>(
        `SELECT * FROM audit WHERE ${w.sql} ORDER BY at DESC, id DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
        [...w.params, page.limit, page.offset],
      ),
      this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit WHERE ${w.sql}`, w.params),
    ]);
    return { records: rows.rows.map(fromRow), total: total.rows[0]?.n ?? 0 };
  }

  async hourly(filter: AuditFilter): Promise<HourCount[]> {
    const w = where(filter, dollar);
    const { rows } = await this.pool.query<HourCount>(
      `SELECT (at / ${HOUR_MS}) * ${HOUR_MS} AS hour, outcome, count(*)::int AS count
         FROM audit WHERE ${w.sql} GROUP BY 1, outcome ORDER BY 1`,
      w.params,
    );
    return rows;
  }

  async facets(orgId: string): Promise<AuditFacets> {
    const [tools, clients] = await Promise.all([
      this.pool.query<{ tool: string }>('SELECT DISTINCT tool FROM audit WHERE org_id = $1 ORDER BY tool', [
        orgId,
      ]),
      this.pool.query<{ c: string }>(
        'SELECT DISTINCT client_name AS c FROM audit WHERE org_id = $1 AND client_name IS NOT NULL ORDER BY c',
        [orgId],
      ),
    ]);
    return { tools: tools.rows.map((r) => r.tool), clients: clients.rows.map((r) => r.c) };
  }

  async purge(before: number): Promise<number> {
    return (await this.pool.query('DELETE FROM audit WHERE at < $1', [before])).rowCount ?? 0;
  }

  /** The pool is the server's (closed with the OAuth store). */
  async close(): Promise<void> {}
}
