/**
 * The SQLite TaskStore of remote mode: `tasks.db` in the data directory, so tasks survive a
 * restart. The record is a JSON document; owner, status and times are columns for the queries.
 * The engine is synchronous: each update is a read and a write in one transaction.
 */
import { openSqlite, type SqliteDb, type SqliteMigration } from '../../stores/sqlite.js';
import {
  applyPatch,
  isOrphan,
  mayClaim,
  type TaskPatch,
  type TaskRecord,
  type TaskStore,
  TERMINAL_STATUSES,
} from './store.js';

/** tasks.db's schema steps (`PRAGMA user_version`); step 1 is 0.1.0's unnumbered schema. */
export const TASK_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'tasks',
    sql: `
CREATE TABLE IF NOT EXISTS tasks (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  status TEXT NOT NULL,
  finished_at INTEGER,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_owner ON tasks (owner, seq);
CREATE INDEX IF NOT EXISTS tasks_status ON tasks (status);
`,
  },
];

const TERMINAL_SQL = `('${[...TERMINAL_STATUSES].join("','")}')`;

export async function openSqliteTaskStore(dataDir: string | ':memory:'): Promise<TaskStore> {
  const db = await openSqlite(dataDir, 'tasks.db', 'tasks', TASK_MIGRATIONS);
  return new SqliteTaskStore(db);
}

class SqliteTaskStore implements TaskStore {
  readonly #db: SqliteDb;
  readonly #q;

  constructor(db: SqliteDb) {
    this.#db = db;
    this.#q = {
      insert: db.prepare('INSERT INTO tasks (id, owner, status, finished_at, body) VALUES (?, ?, ?, ?, ?)'),
      get: db.prepare<{ body: string }>('SELECT body FROM tasks WHERE id = ?'),
      save: db.prepare('UPDATE tasks SET status = ?, finished_at = ?, body = ? WHERE id = ?'),
      list: db.prepare<{ body: string }>('SELECT body FROM tasks WHERE owner = ? ORDER BY seq DESC LIMIT ?'),
      listAfter: db.prepare<{ body: string }>(
        'SELECT body FROM tasks WHERE owner = ? AND seq < (SELECT seq FROM tasks WHERE id = ?) ORDER BY seq DESC LIMIT ?',
      ),
      active: db.prepare<{ n: number }>(
        `SELECT COUNT(*) AS n FROM tasks WHERE owner = ? AND status NOT IN ${TERMINAL_SQL}`,
      ),
      unfinished: db.prepare<{ body: string }>(
        `SELECT body FROM tasks WHERE status NOT IN ${TERMINAL_SQL} ORDER BY seq`,
      ),
      purge: db.prepare('DELETE FROM tasks WHERE finished_at IS NOT NULL AND finished_at < ?'),
    };
  }

  async create(record: TaskRecord): Promise<void> {
    this.#q.insert.run(
      record.id,
      record.owner,
      record.status,
      record.finishedAt ?? null,
      JSON.stringify(record),
    );
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    const row = this.#q.get.get(id);
    return row ? (JSON.parse(row.body) as TaskRecord) : undefined;
  }

  async update(id: string, patch: TaskPatch): Promise<TaskRecord | undefined> {
    return this.#db.transaction(() => {
      const row = this.#q.get.get(id);
      if (!row) return undefined;
      const current = JSON.parse(row.body) as TaskRecord;
      if (TERMINAL_STATUSES.has(current.status)) return current;
      const next = applyPatch(current, patch);
      this.#q.save.run(next.status, next.finishedAt ?? null, JSON.stringify(next), id);
      return next;
    });
  }

  async list(owner: string, limit: number, after?: string): Promise<TaskRecord[]> {
    const rows =
      after === undefined ? this.#q.list.all(owner, limit) : this.#q.listAfter.all(owner, after, limit);
    return rows.map((r) => JSON.parse(r.body) as TaskRecord);
  }

  async countActive(owner: string): Promise<number> {
    return this.#q.active.get(owner)?.n ?? 0;
  }

  async orphans(now: number): Promise<TaskRecord[]> {
    return this.#q.unfinished
      .all()
      .map((r) => JSON.parse(r.body) as TaskRecord)
      .filter((t) => isOrphan(t, now));
  }

  async claim(id: string, holder: string, until: number, now: number): Promise<boolean> {
    return this.#db.transaction(() => {
      const row = this.#q.get.get(id);
      if (!row) return false;
      const current = JSON.parse(row.body) as TaskRecord;
      if (!mayClaim(current, holder, now)) return false;
      const next = { ...current, leaseHolder: holder, leaseUntil: until };
      this.#q.save.run(next.status, next.finishedAt ?? null, JSON.stringify(next), id);
      return true;
    });
  }

  async purge(before: number): Promise<number> {
    return this.#q.purge.run(before).changes;
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
