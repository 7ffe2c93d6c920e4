/**
 * The PostgreSQL connection pool (G8_DATABASE_URL), opened once at start: the first connection
 * must succeed and the migrations run (migrations.ts) before the server listens for clients.
 */
import pg from 'pg';
import { cleanMessage, EngineUnavailableError, whereIs } from './errors.js';
import { migrate } from './migrations.js';

export interface PostgresOptions {
  readonly url: string;
  readonly logger: { warn(obj: object, msg: string): void };
  /** Connections kept by this replica (a PostgreSQL server allows ~100 in all by default). */
  readonly max?: number;
}

// Epoch milliseconds are BIGINT columns; pg hands BIGINT back as text, which records don't expect.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export async function openPostgres(opts: PostgresOptions): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // A query stuck behind a lock must not hold a request past its own timeout.
    statement_timeout: 15_000,
    types,
  });
  // An idle connection that drops (PostgreSQL restarted) is an event on the pool, not a crash;
  // the next query opens a new one.
  pool.on('error', (error) => {
    opts.logger.warn({ err: cleanMessage(error, opts.url) }, 'a PostgreSQL connection dropped');
  });
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    throw new EngineUnavailableError(
      `PostgreSQL at ${whereIs(opts.url)} cannot be used (${cleanMessage(error, opts.url)}); check G8_DATABASE_URL and that the server answers.`,
    );
  }
  return pool;
}
