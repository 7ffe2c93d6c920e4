/**
 * The real engines for the shared-state tests: PostgreSQL and Redis, as .ci/services.sh starts them
 * (127.0.0.1:5432 with trust auth as `postgres`, 127.0.0.1:6379). Each call gives a fresh database
 * and a fresh Redis key prefix, dropped and deleted by `drop()`, so leftover state never matters.
 * An engine that cannot be reached fails the test with what to run; it never skips.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

const ADMIN_URL = process.env.G8_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.G8_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const HOW = 'start them with `bash .ci/services.sh` (it installs them when missing)';

export interface Engines {
  /** A database of its own: `postgres://postgres@127.0.0.1:5432/g8_test_…`. */
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** Every Redis key of this run starts with it. */
  readonly redisPrefix: string;
  /** The settings a server needs to use both (with a shared secret, which they require). */
  readonly env: Record<string, string>;
  /** A raw Redis connection (no prefix), for tests that look inside. */
  redis(): Redis;
  /** A query on this run's database. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${new URL(ADMIN_URL).host} (${(error as Error).message}): ${HOW}`,
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function redisClient(): Promise<Redis> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(
      `Redis is not reachable at ${new URL(REDIS_URL).host} (${(error as Error).message}): ${HOW}`,
    );
  }
  return redis;
}

/** Past this age a test database is a leftover of a run that died before dropping it (CI stops at 90 min). */
const LEFTOVER_MS = 3 * 3_600_000;

/** Drops test databases older than LEFTOVER_MS: their age is in their name (`g8_test_<ms>_…`). */
async function dropLeftovers(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE 'g8\\_test\\_%'",
  );
  for (const { datname } of rows) {
    const created = Number(/^g8_test_(\d{13})_/.exec(datname)?.[1]);
    if (created && Date.now() - created > LEFTOVER_MS) {
      await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => {});
    }
  }
}

export async function freshEngines(): Promise<Engines> {
  const id = `${Date.now()}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const database = `g8_test_${id}`;
  const raw = await redisClient();
  await admin(async (c) => {
    await dropLeftovers(c);
    await c.query(`CREATE DATABASE ${database}`);
  }).catch((error: unknown) => {
    raw.disconnect();
    throw error;
  });
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const databaseUrl = url.href;
  const redisPrefix = `g8test:${id}:`;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  return {
    databaseUrl,
    redisUrl: REDIS_URL,
    redisPrefix,
    env: {
      G8_DATABASE_URL: databaseUrl,
      G8_REDIS_URL: REDIS_URL,
      G8_REDIS_PREFIX: redisPrefix,
      G8_MCP_SECRET: 'shared-state-test-secret-0123456789abcdef',
    },
    redis: () => raw,
    async query(sql, params) {
      return (await pool.query(sql, params)).rows;
    },
    async drop() {
      await pool.end();
      let cursor = '0';
      do {
        const [next, keys] = await raw.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length) await raw.del(...keys);
      } while (cursor !== '0');
      raw.disconnect();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    },
  };
}
