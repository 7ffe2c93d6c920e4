/**
 * Per-principal tool-call limits (src/ops/limits.ts) with the rate in Redis, so replicas together
 * admit no more than G8_CALLS_PER_MIN_PER_PRINCIPAL for one principal: the same token bucket,
 * updated by one Lua script (redis-scripts.ts).
 *
 * While a principal's shared bucket is more than half full, a replica takes a lease of up to LEASE
 * tokens at once (a sixteenth of the burst at most) and spends them here, for LEASE_MS at most: a
 * busy principal's calls then ask Redis once per lease instead of once per call (a per-call trip
 * was one of the two that kept 2025-era sessions on shared engines under 0.75x of an embedded
 * replica: README, "Across replicas"). It admits nothing the
 * bucket did not give out; near the limit (the bucket under half full) tokens go one at a time, so
 * the refusals are as exact as without leases. A lease's tokens are spent at most LEASE_MS after
 * they left the bucket, so a window can see at most LEASE_MS worth of the rate more than the bucket
 * alone allows; unspent ones are dropped, never returned. While a lease is on its way, the
 * principal's other calls here wait for it (one trip to Redis, not one per call); a lease that
 * came without tokens to spare sends them to Redis one token each.
 *
 * The in-flight cap stays per replica: it guards this process's own memory and sockets, and a count
 * held in Redis would outlive a replica that died with calls in flight. While Redis cannot answer, this replica's own bucket admits (logged once).
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

const LEASE = 32;
const LEASE_MS = 1_000;
/** Principals holding a lease at most; beyond, every lease here is dropped (nothing over-admits). */
const MAX_LEASES = 10_000;

interface Lease {
  left: number;
  until: number;
}

export class SharedCallLimits implements CallAdmission {
  readonly #scripts: Scripts;
  /** The in-flight cap, always this replica's. */
  readonly #inflight: PrincipalLimits;
  /** The rate while Redis cannot answer. */
  readonly #localRate: PrincipalLimits;
  /** Tokens wanted per trip to Redis (1: no leases, when the burst is small). */
  readonly #want: number;
  readonly #leases = new Map<string, Lease>();
  /** A principal's lease on its way (true once it came with tokens to spare): calls meanwhile wait
   * for it rather than each taking a lease of their own that nobody here would spend. */
  readonly #trips = new Map<string, Promise<boolean>>();

  constructor(
    redis: Redis,
    private readonly fallbacks: Fallbacks,
    private readonly settings: PrincipalLimitSettings,
  ) {
    this.#scripts = scripts(redis);
    this.#inflight = new PrincipalLimits({ callsPerMinute: 0, maxInflight: settings.maxInflight });
    this.#localRate = new PrincipalLimits({ callsPerMinute: settings.callsPerMinute, maxInflight: 0 });
    this.#want = Math.max(1, Math.min(LEASE, Math.floor(this.#localRate.burst / 16)));
  }

  async admit(principal: string): Promise<Admission> {
    const held = this.#inflight.admit(principal);
    if (!held.ok || !this.settings.callsPerMinute) return held;
    const rate = await this.#rate(principal);
    if (!rate.ok) held.release();
    return rate.ok ? held : rate;
  }

  async #rate(principal: string): Promise<Admission> {
    for (;;) {
      const lease = this.#leases.get(principal);
      if (lease && lease.left > 0 && lease.until > Date.now()) {
        lease.left -= 1;
        return ADMITTED;
      }
      if (this.#want === 1) return this.#ask(principal, 1);
      const trip = this.#trips.get(principal);
      if (!trip) return this.#lead(principal);
      // A lease came: spend from it (or lead the next trip). None: the bucket is under half full,
      // so ask for one token, as every call near the limit does.
      if (!(await trip)) return this.#ask(principal, 1);
    }
  }

  /** Asks for a lease for this call and the principal's next ones here. */
  async #lead(principal: string): Promise<Admission> {
    let settle: (leased: boolean) => void = () => {};
    this.#trips.set(
      principal,
      new Promise((resolve) => {
        settle = resolve;
      }),
    );
    let leased = false;
    try {
      return await this.#ask(principal, this.#want, () => {
        leased = true;
      });
    } finally {
      // Gone from the map before anyone waiting wakes: one of them may lead the next trip.
      this.#trips.delete(principal);
      settle(leased);
    }
  }

  async #ask(principal: string, want: number, onLease?: () => void): Promise<Admission> {
    const { burst, perMs } = this.#localRate;
    try {
      // The bucket is forgotten once it would be full again anyway.
      const now = Date.now();
      const { taken, waitMs } = await this.#scripts.bucketTake(
        `calls:${principal}`,
        burst,
        perMs,
        burst / perMs + 1000,
        want,
      );
      if (taken <= 0) {
        return { ok: false, reason: 'rate', retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
      }
      if (taken > 1) {
        this.#keep(principal, taken - 1, now);
        onLease?.();
      }
      return ADMITTED;
    } catch (error) {
      this.fallbacks.note('the per-principal call limits', error);
      return this.#localRate.admit(principal);
    }
  }

  #keep(principal: string, tokens: number, now: number): void {
    if (this.#leases.size >= MAX_LEASES) this.#leases.clear();
    this.#leases.set(principal, { left: tokens, until: now + LEASE_MS });
  }
}

const ADMITTED: Admission = { ok: true, release: () => {} };
