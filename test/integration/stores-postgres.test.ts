/**
 * PostgreSQL as the durable store: migrations applied once even when replicas start together, and a
 * database that cannot be used stops start-up with one line that never shows the password.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/stores/migrations.js';
import { openPostgres } from '../../src/stores/postgres.js';
import { type Engines, freshEngines } from '../helpers/engines.js';

const quiet = { warn: () => {} };
const engines: Engines[] = [];
afterAll(async () => {
  for (const e of engines) await e.drop();
});

describe('PostgreSQL migrations', () => {
  it('run once when four replicas start at the same moment on an empty database', async () => {
    const e = await freshEngines();
    engines.push(e);
    const pools = await Promise.all(
      Array.from({ length: 4 }, () => openPostgres({ url: e.databaseUrl, logger: quiet })),
    );
    const rows = await e.query<{ version: number }>('SELECT version FROM g8_migrations');
    expect(rows.map((r) => r.version)).toEqual([1, 2, 3]);
    const tables = await e.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    expect(tables.map((t) => t.tablename)).toEqual([
      'audit',
      'clients',
      'codes',
      'g8_migrations',
      'grants',
      'pending',
      'tasks',
      'tokens',
    ]);
    // A later start finds nothing to do.
    expect(await migrate(pools[0]!)).toEqual([]);
    for (const pool of pools) await pool.end();
  });

  it('a migration that fails leaves nothing behind and is retried at the next start', async () => {
    const e = await freshEngines();
    engines.push(e);
    const pool = await openPostgres({ url: e.databaseUrl, logger: quiet });
    const broken = {
      version: 99,
      name: 'broken',
      sql: 'CREATE TABLE half (x int); SELECT nonsense FROM nowhere',
    };
    await expect(migrate(pool, [broken])).rejects.toThrow(/nowhere/);
    expect(await e.query("SELECT 1 FROM pg_tables WHERE tablename = 'half'")).toEqual([]);
    expect(await migrate(pool, [{ ...broken, sql: 'CREATE TABLE half (x int)' }])).toEqual([99]);
    await pool.end();
  });
});

describe('a PostgreSQL that cannot be used', () => {
  it('is one line naming where, without the password', async () => {
    const attempts = [
      'postgres://postgres:hunter2@127.0.0.1:1/g8',
      'postgres://postgres:hunter2@127.0.0.1:5432/g8_no_such_database',
    ];
    for (const url of attempts) {
      const error = await openPostgres({ url, logger: quiet }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.constructor.name).toBe('EngineUnavailableError');
      expect(error?.message).toMatch(/^PostgreSQL at postgres:\/\/127\.0\.0\.1:\d+\/g8\S* cannot be used \(/);
      expect(error?.message).not.toContain('hunter2');
      expect(error?.message).not.toContain('\n');
    }
  });
});
