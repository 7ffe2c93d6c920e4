/**
 * Remote mode's shared state, from the settings: PostgreSQL (G8_DATABASE_URL) for the durable
 * OAuth store, the tasks and the audit trail, and Redis (G8_REDIS_URL) for what every replica must see at once (limits, pacing,
 * the API-key cache, refresh locks, used confirmation states). Either may be set alone; unset,
 * remote mode keeps SQLite and memory exactly as before. What is opened here is checked before the
 * server serves anyone: a bad URL or an engine that does not answer stops start-up with one line.
 * The drivers load only when their URL is set: the embedded default loads neither.
 */
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { AuditStore } from '../audit/store.js';
import type { AuthStore } from '../auth/store.js';
import type { Config } from '../config/load.js';
import type { TaskStore } from '../mcp/tasks/store.js';
import { ConfigError } from '../platform/errors.js';
import { EngineUnavailableError } from './errors.js';
import { PostgresAuditStore } from './pg-audit-store.js';
import { PostgresAuthStore } from './pg-auth-store.js';
import { PostgresTaskStore } from './pg-task-store.js';
import type { Fallbacks } from './redis.js';
import type { RedisEventBus } from './redis-event-bus.js';

export interface SharedState {
  /** The OAuth store on PostgreSQL, when G8_DATABASE_URL is set. */
  readonly store?: AuthStore;
  /** The tasks and the audit trail on PostgreSQL (same pool), when G8_DATABASE_URL is set. */
  readonly taskStore?: TaskStore;
  readonly auditStore?: AuditStore;
  /** `bus`: where list changes reach every replica's subscriptions/listen streams. */
  readonly redis?: { readonly client: Redis; readonly fallbacks: Fallbacks; readonly bus: RedisEventBus };
  /** Each engine in use and whether it answers now (for /readyz). */
  engines(): Promise<Record<string, 'ok' | 'unavailable'>>;
  close(): Promise<void>;
}

export interface SharedLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/** Thrown before anything is opened: the shared engines need every replica to share one secret. */
export class SharedSecretError extends ConfigError {}

export async function openSharedState(config: Config, logger: SharedLogger): Promise<SharedState> {
  const { databaseUrl, redisUrl } = config;
  if ((databaseUrl || redisUrl) && !config.mcpSecret) {
    throw new SharedSecretError(
      `${databaseUrl ? 'G8_DATABASE_URL' : 'G8_REDIS_URL'} is set, so G8_MCP_SECRET must be too (32+ characters, the same on every replica): it seals upstream credentials and confirmation states that any replica must open.`,
    );
  }
  if (!databaseUrl && !redisUrl) return assemble(undefined, undefined);
  const [pool, redis] = await Promise.allSettled([
    databaseUrl
      ? import('./postgres.js').then((m) => m.openPostgres({ url: databaseUrl, logger }))
      : undefined,
    redisUrl
      ? import('./redis.js').then(async (m) => {
          const client = await m.openRedis({ url: redisUrl, prefix: config.redisPrefix, logger });
          const fallbacks = new m.Fallbacks(logger, client);
          const { RedisEventBus } = await import('./redis-event-bus.js');
          const bus = await RedisEventBus.open(client, config.redisPrefix, logger, (error) =>
            logger.warn({ err: error.message }, 'a subscriptions/listen stream failed to take an event'),
          ).catch((error: unknown) => {
            client.disconnect();
            throw new EngineUnavailableError(
              `Redis answers but its pub/sub cannot be used (${error instanceof Error ? error.message : String(error)}); check G8_REDIS_URL.`,
            );
          });
          return { client, fallbacks, bus };
        })
      : undefined,
  ]);
  if (pool.status === 'rejected' || redis.status === 'rejected') {
    // One engine failed: close the other if it opened, and say what failed.
    if (pool.status === 'fulfilled') await pool.value?.end().catch(() => {});
    if (redis.status === 'fulfilled' && redis.value) {
      await redis.value.bus.close();
      redis.value.client.disconnect();
    }
    throw pool.status === 'rejected' ? pool.reason : (redis as PromiseRejectedResult).reason;
  }
  return assemble(pool.value, redis.value);
}

function assemble(pool: pg.Pool | undefined, shared: SharedState['redis']): SharedState {
  const redis = shared?.client;
  const store = pool ? new PostgresAuthStore(pool) : undefined;
  const taskStore = pool ? new PostgresTaskStore(pool) : undefined;
  const auditStore = pool ? new PostgresAuditStore(pool) : undefined;
  const probe = async (check: () => Promise<unknown>) =>
    check().then(
      () => 'ok' as const,
      () => 'unavailable' as const,
    );
  return {
    ...(store ? { store } : {}),
    ...(taskStore ? { taskStore } : {}),
    ...(auditStore ? { auditStore } : {}),
    ...(shared ? { redis: shared } : {}),
    async engines() {
      const [postgres, r] = await Promise.all([
        store ? probe(() => store.ping()) : undefined,
        redis ? probe(() => redis.ping()) : undefined,
      ]);
      return { ...(postgres ? { postgres } : {}), ...(r ? { redis: r } : {}) };
    },
    async close() {
      // The store (and its pool) is closed by the server with the other store users.
      await shared?.bus.close();
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}

export { EngineUnavailableError };
