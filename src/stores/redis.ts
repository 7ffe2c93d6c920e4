/**
 * The Redis connection (G8_REDIS_URL), opened once at start. Commands are never queued while the
 * connection is down (`enableOfflineQueue: false`) and time out after a second: a caller learns at
 * once that Redis cannot answer and takes its fallback (local budgets) or refusal (used
 * confirmation states), instead of a request hanging on a queue. ioredis reconnects by itself.
 *
 * Auto-pipelining: the commands of concurrent calls issued in one event-loop turn go out in one
 * write and come back in one read (the cluster bench, 32 calls in flight: the replica CPU a 2025-era
 * session's call costs over an embedded replica's fell from +0.12 to +0.04 ms).
 */
import { Redis } from 'ioredis';
import { cleanMessage, EngineUnavailableError, whereIs } from './errors.js';

export interface RedisOptions {
  readonly url: string;
  /** Every key this server writes starts with it (several deployments may share one Redis). */
  readonly prefix: string;
  readonly logger: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  readonly commandTimeoutMs?: number;
}

export async function openRedis(opts: RedisOptions): Promise<Redis> {
  const redis = new Redis(opts.url, {
    keyPrefix: opts.prefix,
    lazyConnect: true,
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: opts.commandTimeoutMs ?? 1_000,
    connectTimeout: 3_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // One line per outage, however many reconnects it takes ('reconnecting' never follows a quit).
  let down = false;
  redis.on('error', () => {});
  redis.on('reconnecting', () => {
    if (down) return;
    down = true;
    opts.logger.warn({}, 'Redis cannot be reached; shared limits fall back to this replica until it answers');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    opts.logger.info({}, 'Redis answers again');
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new EngineUnavailableError(
      `Redis at ${whereIs(opts.url)} cannot be used (${cleanMessage(error, opts.url)}); check G8_REDIS_URL and that the server answers.`,
    );
  }
  return redis;
}

/**
 * Logs once that a shared budget fell back to this replica's own, until Redis answers again:
 * an outage of minutes must not log a line per request.
 */
export class Fallbacks {
  readonly #noted = new Set<string>();

  constructor(
    private readonly logger: { warn(obj: object, msg: string): void },
    redis: Redis,
  ) {
    redis.on('ready', () => this.#noted.clear());
  }

  note(what: string, error: unknown): void {
    if (this.#noted.has(what)) return;
    this.#noted.add(what);
    this.logger.warn(
      { what, err: error instanceof Error ? error.message : String(error) },
      `Redis did not answer: this replica keeps its own budget for ${what} until it does`,
    );
  }
}
