/**
 * The PostgreSQL schema, as numbered migrations in code. They run at start inside one transaction
 * that first takes a transaction-level advisory lock, so replicas starting together apply each
 * migration exactly once: the others wait on the lock, then find the work done. DDL is
 * transactional in PostgreSQL, so a failed migration leaves nothing half-made.
 */
import type pg from 'pg';
import { EXPIRY_INDEXES, oauthTables } from '../auth/store-rows.js';
import { AUDIT_TABLE } from './pg-audit-store.js';
import { TASKS_TABLE } from './pg-task-store.js';
import { inTransaction } from './pg-transaction.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Arbitrary, fixed: the advisory lock every replica takes to migrate. */
const MIGRATION_LOCK = 0x6738_6d63_7001;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'oauth store',
    // The same tables and columns as the SQLite store, times as BIGINT; and what the sweep reads.
    sql: `${oauthTables('BIGINT')}${EXPIRY_INDEXES}`,
  },
  { version: 2, name: 'tasks', sql: TASKS_TABLE },
  { version: 3, name: 'audit trail', sql: AUDIT_TABLE },
];

/** Applies the migrations this database lacks; answers the versions applied by this call. */
export async function migrate(
  pool: pg.Pool,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS g8_migrations (version INT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const done = new Set(
      (await client.query<{ version: number }>('SELECT version FROM g8_migrations')).rows.map(
        (r) => r.version,
      ),
    );
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO g8_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        Date.now(),
      ]);
      applied.push(m.version);
    }
    return applied;
  });
}
