/**
 * The per-key pacer (src/api/pacer.ts) with its permits in Redis, so replicas together never send
 * more than the published limit for one key: the same cooldown pools (a permit frees one period
 * after its request was answered), kept as sorted sets updated by one Lua script (redis-scripts.ts).
 * Keys are the SHA-256 of the credential, never the credential. While Redis cannot answer, a request
 * is paced by this replica's own pools (logged once).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { Pacer, type PacerLimits, type Pacing, type Release } from '../api/pacer.js';
import { sha256Hex } from '../auth/crypto.js';
import type { Fallbacks } from './redis.js';
import { type Scripts, scripts } from './redis-scripts.js';

/** As in pacer.ts: timers may fire a little early against another clock. */
const SLACK_MS = 25;
/** Polling interval while every permit is in flight (its release time is not known yet). */
const POLL_MS = 20;

export interface SharedPacerOptions {
  readonly limits: PacerLimits;
  /** How long a permit may stay in flight: past it, a replica that died holding it loses it. */
  readonly holdMs: number;
}

export class SharedPacer implements Pacing {
  readonly #scripts: Scripts;
  readonly #local: Pacer;
  /** Limits the server announced per key (X-RateLimit-*), followed by this replica. */
  readonly #announced = new Map<string, PacerLimits>();
  readonly #blockedUntil = new Map<string, number>();

  constructor(
    redis: Redis,
    private readonly fallbacks: Fallbacks,
    private readonly opts: SharedPacerOptions,
  ) {
    this.#scripts = scripts(redis);
    this.#local = new Pacer(opts.limits);
  }

  async take(credential: string, signal?: AbortSignal): Promise<Release> {
    const hash = sha256Hex(credential);
    const limits = this.#announced.get(hash) ?? this.opts.limits;
    const second = `pace:${hash}:s`;
    const minute = `pace:${hash}:m`;
    const id = randomUUID();
    try {
      for (;;) {
        signal?.throwIfAborted();
        const wait = await this.#scripts.paceTake(
          second,
          minute,
          limits.perSecond,
          limits.perMinute,
          this.opts.holdMs,
          id,
        );
        if (wait <= 0) break;
        await sleep(Math.max(1, Math.min(wait, POLL_MS)), undefined, signal ? { signal } : undefined);
      }
    } catch (error) {
      if (signal?.aborted) throw error;
      this.fallbacks.note('the per-key pacing', error);
      return this.#local.take(credential, signal);
    }
    const blocked = (this.#blockedUntil.get(hash) ?? 0) - Date.now();
    if (blocked > 0) await sleep(blocked, undefined, signal ? { signal } : undefined).catch(() => {});
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#scripts
        .paceRelease(second, minute, id, 1000 + SLACK_MS, 60_000 + SLACK_MS)
        // Unreleased, the permit frees when its hold ends: later, never sooner.
        .catch((error: unknown) => this.fallbacks.note('the per-key pacing', error));
    };
  }

  observe(credential: string, header: (name: string) => string | undefined): void {
    const hash = sha256Hex(credential);
    const perSecond = Number(header('x-ratelimit-limit-second'));
    const perMinute = Number(header('x-ratelimit-limit-minute'));
    if (perSecond > 0 || perMinute > 0) {
      const current = this.#announced.get(hash) ?? this.opts.limits;
      const next = {
        perSecond: perSecond > 0 ? perSecond : current.perSecond,
        perMinute: perMinute > 0 ? perMinute : current.perMinute,
      };
      if (next.perSecond !== current.perSecond || next.perMinute !== current.perMinute) {
        this.#announced.set(hash, next);
        if (this.#announced.size > 10_000)
          this.#announced.delete(this.#announced.keys().next().value as string);
      }
    }
    const reset = Number(header('x-ratelimit-reset'));
    if (header('x-ratelimit-remaining') === '0' && reset > 0) {
      const until = Math.min(reset * 1000, Date.now() + 60_000);
      this.#blockedUntil.set(hash, Math.max(this.#blockedUntil.get(hash) ?? 0, until));
      if (this.#blockedUntil.size > 10_000)
        this.#blockedUntil.delete(this.#blockedUntil.keys().next().value as string);
    }
    this.#local.observe(credential, header);
  }
}
