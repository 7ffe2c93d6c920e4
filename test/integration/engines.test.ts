/**
 * The engines helper itself: each run gets its own empty database and key prefix, and `drop()`
 * leaves nothing behind, so shared-state tests never see each other's leftovers.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freshEngines } from '../helpers/engines.js';

describe('fresh engines for a test run', () => {
  it('gives two runs two empty databases and two prefixes, and drops both', async () => {
    const [a, b] = await Promise.all([freshEngines(), freshEngines()]);
    expect(a.databaseUrl).not.toBe(b.databaseUrl);
    expect(a.redisPrefix).not.toBe(b.redisPrefix);
    await a.query('CREATE TABLE t (x int)');
    expect(await b.query("SELECT 1 FROM pg_tables WHERE tablename = 't'")).toEqual([]);
    await a.redis().set(`${a.redisPrefix}k`, '1');
    expect(await b.redis().keys(`${b.redisPrefix}*`)).toEqual([]);
    const redis = a.redis();
    const name = new URL(a.databaseUrl).pathname.slice(1);
    await a.drop();
    await b.drop();
    const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    const left = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    await admin.end();
    expect(left.rows).toEqual([]);
    expect(redis.status).not.toBe('ready');
  });
});
