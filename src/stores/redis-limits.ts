/**
 * Fixed-window budgets in Redis for the per-client limits on /register, /token, /authorize and
 * /revoke (an express-rate-limit Store) and for the throttle on failed credential checks. Each
 * falls back to this replica's own counters while Redis cannot answer (logged once): limits then
 * hold per replica rather than not at all.
 */

import { type ClientRateLimitInfo, MemoryStore, type Options, type Store } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { type FailureCounter, FailureThrottle } from '../auth/throttle.js';
import type { Fallbacks } from './redis.js';
import { type Scripts, scripts } from './redis-scripts.js';

export class RedisRateLimitStore implements Store {
  readonly #scripts: Scripts;
  readonly #local = new MemoryStore();
  #windowMs = 60_000;
  /** Keys are per limiter: each endpoint's limiter gets its own store with its own name. */
  readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly fallbacks: Fallbacks,
    name: string,
  ) {
    this.#scripts = scripts(redis);
    this.prefix = `rl:${name}:`;
  }

  init(options: Options): void {
    this.#windowMs = options.windowMs;
    this.#local.init(options);
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    try {
      const [totalHits, ttl] = await this.#scripts.windowAdd(this.prefix + key, this.#windowMs, 1);
      return { totalHits, resetTime: new Date(Date.now() + ttl) };
    } catch (error) {
      this.fallbacks.note('the OAuth endpoint rate limits', error);
      return this.#local.increment(key);
    }
  }

  async decrement(key: string): Promise<void> {
    await this.redis.decr(this.prefix + key).catch(() => this.#local.decrement(key));
  }

  async resetKey(key: string): Promise<void> {
    await this.redis.del(this.prefix + key).catch(() => this.#local.resetKey(key));
  }

  shutdown(): void {
    this.#local.shutdown();
  }
}

/** The failed-check throttle (throttle.ts) with its counters in Redis. */
export class RedisFailureThrottle implements FailureCounter {
  readonly #scripts: Scripts;
  readonly #local: FailureThrottle;

  constructor(
    private readonly redis: Redis,
    private readonly fallbacks: Fallbacks,
    private readonly opts: { readonly limit: number; readonly windowMs: number },
  ) {
    this.#scripts = scripts(redis);
    this.#local = new FailureThrottle(opts);
  }

  get enabled(): boolean {
    return this.opts.limit > 0;
  }

  async retryAfter(buckets: readonly string[]): Promise<number> {
    if (!this.enabled || buckets.length === 0) return 0;
    try {
      const keys = buckets.map((b) => `fail:${b}`);
      const pipeline = this.redis.pipeline();
      for (const key of keys) pipeline.get(key).pttl(key);
      const replies = (await pipeline.exec()) ?? [];
      let wait = 0;
      for (let i = 0; i < keys.length; i++) {
        const [countError, count] = replies[2 * i] ?? [];
        const [ttlError, ttl] = replies[2 * i + 1] ?? [];
        if (countError || ttlError) throw countError ?? ttlError;
        if (Number(count) >= this.opts.limit && Number(ttl) > 0) {
          wait = Math.max(wait, Math.ceil(Number(ttl) / 1000));
        }
      }
      return wait;
    } catch (error) {
      this.fallbacks.note('the failed-credential throttle', error);
      return this.#local.retryAfter(buckets);
    }
  }

  async fail(buckets: readonly string[]): Promise<void> {
    if (!this.enabled) return;
    try {
      await Promise.all(buckets.map((b) => this.#scripts.windowAdd(`fail:${b}`, this.opts.windowMs, 1)));
    } catch (error) {
      this.fallbacks.note('the failed-credential throttle', error);
      this.#local.fail(buckets);
    }
  }
}
