/**
 * The TaskStore on PostgreSQL (G8_DATABASE_URL), shared by every replica: the record is a JSON
 * document as in SQLite; owner, status, times and the lease are columns, so that the queries and
 * the claim (one conditional UPDATE, which PostgreSQL serialises per row) run in the database.
 */
import type pg from 'pg';
import {
  applyPatch,
  type TaskPatch,
  type TaskRecord,
  type TaskStore,
  TERMINAL_STATUSES,
} from '../mcp/tasks/store.js';
import { inTransaction } from './pg-transaction.js';

export const TASKS_TABLE = `
  CREATE TABLE tasks (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    status TEXT NOT NULL,
    finished_at BIGINT,
    lease_holder TEXT,
    lease_until BIGINT,
    body TEXT NOT NULL
  );
  CREATE INDEX tasks_owner ON tasks (owner, seq);
  CREATE INDEX tasks_unfinished ON tasks (status, lease_until);
`;

const TERMINAL = [...TERMINAL_STATUSES];

interface Row {
  body: string;
  lease_holder: string | null;
  lease_until: number | null;
}

const COLUMNS = 'body, lease_holder, lease_until';

function recordOf(row: Row): TaskRecord {
  return {
    ...(JSON.parse(row.body) as TaskRecord),
    leaseHolder: row.lease_holder ?? undefined,
    leaseUntil: row.lease_until ?? undefined,
  };
}

/** The document without the lease, which lives in its columns only (claim() changes those alone). */
function bodyOf(record: TaskRecord): string {
  const { leaseHolder: _holder, leaseUntil: _until, ...rest } = record;
  return JSON.stringify(rest);
}

export class PostgresTaskStore implements TaskStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(record: TaskRecord): Promise<void> {
    await this.pool.query(
      'INSERT INTO tasks (id, owner, status, finished_at, lease_holder, lease_until, body) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [
        record.id,
        record.owner,
        record.status,
        record.finishedAt ?? null,
        record.leaseHolder ?? null,
        record.leaseUntil ?? null,
        bodyOf(record),
      ],
    );
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM tasks WHERE id = $1`, [id]);
    return rows[0] && recordOf(rows[0]);
  }

  async update(id: string, patch: TaskPatch): Promise<TaskRecord | undefined> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<Row>(`SELECT ${COLUMNS} FROM tasks WHERE id = $1 FOR UPDATE`, [id]);
      if (!rows[0]) return undefined;
      const current = recordOf(rows[0]);
      if (TERMINAL_STATUSES.has(current.status)) return current;
      const next = applyPatch(current, patch);
      await client.query('UPDATE tasks SET status = $1, finished_at = $2, body = $3 WHERE id = $4', [
        next.status,
        next.finishedAt ?? null,
        bodyOf(next),
        id,
      ]);
      return next;
    });
  }

  async list(owner: string, limit: number, after?: string): Promise<TaskRecord[]> {
    const { rows } =
      after === undefined
        ? await this.pool.query<Row>(
            `SELECT ${COLUMNS} FROM tasks WHERE owner = $1 ORDER BY seq DESC LIMIT $2`,
            [owner, limit],
          )
        : await this.pool.query<Row>(
            `SELECT ${COLUMNS} FROM tasks WHERE owner = $1 AND seq < (SELECT seq FROM tasks WHERE id = $2) ORDER BY seq DESC LIMIT $3`,
            [owner, after, limit],
          );
    return rows.map(recordOf);
  }

  async countActive(owner: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      'SELECT COUNT(*)::int AS n FROM tasks WHERE owner = $1 AND NOT (status = ANY($2))',
      [owner, TERMINAL],
    );
    return rows[0]?.n ?? 0;
  }

  async orphans(now: number): Promise<TaskRecord[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM tasks WHERE NOT (status = ANY($1)) AND (lease_until IS NULL OR lease_until <= $2) ORDER BY seq`,
      [TERMINAL, now],
    );
    return rows.map(recordOf);
  }

  async claim(id: string, holder: string, until: number, now: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE tasks SET lease_holder = $2, lease_until = $3
        WHERE id = $1 AND NOT (status = ANY($5))
          AND (lease_holder = $2 OR lease_until IS NULL OR lease_until <= $4)`,
      [id, holder, until, now, TERMINAL],
    );
    return rowCount === 1;
  }

  async purge(before: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      'DELETE FROM tasks WHERE finished_at IS NOT NULL AND finished_at < $1',
      [before],
    );
    return rowCount ?? 0;
  }

  /** The pool is the server's (closed with the OAuth store). */
  async close(): Promise<void> {}
}
