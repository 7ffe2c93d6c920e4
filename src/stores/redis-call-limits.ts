/**
 * Per-principal tool-call limits (src/ops/limits.ts) with the rate in Redis, so replicas together
 * admit no more than G8_CALLS_PER_MIN_PER_PRINCIPAL for one principal: the same token bucket,
 * updated by one Lua script (redis-scripts.ts). The in-flight cap stays per replica: it guards this
 * process's own memory and sockets, and a count held in Redis would outlive a replica that died
 * with calls in flight. While Redis cannot answer, this replica's own bucket admits (logged once).
 */
import type { Redis } from 'ioredis';
import {
  type Admission,
  type CallAdmission,
  type PrincipalLimitSettings,
  PrincipalLimits,
} from '../ops/limits.js';
import type { Fallbacks } from './redis.js';
import { type Scripts, scripts } from './redis-scripts.js';

export class SharedCallLimits implements CallAdmission {
  readonly #scripts: Scripts;
  /** The in-flight cap, always this replica's. */
  readonly #inflight: PrincipalLimits;
  /** The rate while Redis cannot answer. */
  readonly #localRate: PrincipalLimits;

  constructor(
    redis: Redis,
    private readonly fallbacks: Fallbacks,
    private readonly settings: PrincipalLimitSettings,
  ) {
    this.#scripts = scripts(redis);
    this.#inflight = new PrincipalLimits({ callsPerMinute: 0, maxInflight: settings.maxInflight });
    this.#localRate = new PrincipalLimits({ callsPerMinute: settings.callsPerMinute, maxInflight: 0 });
  }

  async admit(principal: string): Promise<Admission> {
    const held = this.#inflight.admit(principal);
    if (!held.ok || !this.settings.callsPerMinute) return held;
    const rate = await this.#rate(principal);
    if (!rate.ok) held.release();
    return rate.ok ? held : rate;
  }

  async #rate(principal: string): Promise<Admission> {
    const { burst, perMs } = this.#localRate;
    try {
      // The bucket is forgotten once it would be full again anyway.
      const waitMs = await this.#scripts.bucketTake(`calls:${principal}`, burst, perMs, burst / perMs + 1000);
      return waitMs <= 0
        ? { ok: true, release: () => {} }
        : { ok: false, reason: 'rate', retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    } catch (error) {
      this.fallbacks.note('the per-principal call limits', error);
      return this.#localRate.admit(principal);
    }
  }
}
