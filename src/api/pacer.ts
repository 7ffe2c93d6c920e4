/**
 * Client-side pacing per credential at the published limits (50 requests/s and 1,000/min by
 * default), so a burst from an agent waits a little instead of failing with 429s.
 *
 * Each window is a pool of N permits that cool down for one period after the request holding
 * them has been answered. A request's arrival at the server lies between its send and its answer,
 * so no N+1 requests can ever arrive within one period — whatever the connection set-up, queueing
 * or network jitter (a schedule computed at send time cannot promise that). Windows follow the
 * server's `X-RateLimit-*` headers when it sends them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { metrics } from '../ops/metrics.js';

class CooldownPool {
  readonly limit: number;
  readonly #period: number;
  /** When each idle permit may be used again; appended in time order, so always sorted. */
  readonly #idle: number[];
  readonly #waiters: (() => void)[] = [];

  constructor(limit: number, periodMs: number) {
    this.limit = limit;
    // Timers may fire a millisecond early against Date.now(); a little slack keeps "one period" true.
    this.#period = periodMs + 25;
    this.#idle = new Array<number>(limit).fill(0);
  }

  /** Resolves true when the caller had to wait (queued, or a permit still cooling down). */
  async acquire(signal?: AbortSignal): Promise<boolean> {
    let queued = false;
    while (this.#idle.length === 0) {
      queued = true;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    const usableAt = this.#idle.shift() as number;
    const wait = usableAt - Date.now();
    if (wait <= 0) return queued;
    try {
      await sleep(wait, undefined, signal ? { signal } : undefined);
    } catch (error) {
      this.#idle.unshift(usableAt);
      this.#wake();
      throw error;
    }
    return true;
  }

  release(): void {
    this.#idle.push(Date.now() + this.#period);
    this.#wake();
  }

  #wake(): void {
    this.#waiters.shift()?.();
  }
}

interface Windows {
  second: CooldownPool;
  minute: CooldownPool;
  blockedUntil: number;
}

export interface PacerLimits {
  readonly perSecond: number;
  readonly perMinute: number;
}

export const PUBLISHED_LIMITS: PacerLimits = { perSecond: 50, perMinute: 1000 };

/** Call when the request has been answered (or failed); frees its permits to cool down. */
export type Release = () => void;

/** What the API client needs of a pacer: this process's (Pacer) or one shared on Redis (src/stores). */
export interface Pacing {
  take(credential: string, signal?: AbortSignal): Promise<Release>;
  observe(credential: string, header: (name: string) => string | undefined): void;
}

export class Pacer implements Pacing {
  readonly #windows = new Map<string, Windows>();
  readonly #limits: PacerLimits;

  constructor(limits: PacerLimits = PUBLISHED_LIMITS) {
    this.#limits = limits;
  }

  #get(credential: string): Windows {
    let w = this.#windows.get(credential);
    if (!w) {
      w = {
        second: new CooldownPool(this.#limits.perSecond, 1000),
        minute: new CooldownPool(this.#limits.perMinute, 60_000),
        blockedUntil: 0,
      };
      this.#windows.set(credential, w);
      // One entry per credential; HTTP mode may see many, so forget the oldest beyond a bound.
      if (this.#windows.size > 10_000) this.#windows.delete(this.#windows.keys().next().value as string);
    }
    return w;
  }

  /** Waits until this credential may send one more request. */
  async take(credential: string, signal?: AbortSignal): Promise<Release> {
    const w = this.#get(credential);
    const { second, minute } = w;
    const asked = performance.now();
    let waited = await second.acquire(signal);
    try {
      waited = (await minute.acquire(signal)) || waited;
    } catch (error) {
      second.release();
      throw error;
    }
    const blocked = w.blockedUntil - Date.now();
    if (blocked > 0) {
      waited = true;
      await sleep(blocked, undefined, signal ? { signal } : undefined).catch(() => {});
    }
    if (waited) metrics.pacerWait((performance.now() - asked) / 1000);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      second.release();
      minute.release();
    };
  }

  /** Follows the server's word: its limits, and "none left until Reset". */
  observe(credential: string, header: (name: string) => string | undefined): void {
    const w = this.#get(credential);
    const perSecond = Number(header('x-ratelimit-limit-second'));
    const perMinute = Number(header('x-ratelimit-limit-minute'));
    // New limits apply to permits minted from now on; in-flight ones drain from the old pools.
    if (perSecond > 0 && perSecond !== w.second.limit) w.second = new CooldownPool(perSecond, 1000);
    if (perMinute > 0 && perMinute !== w.minute.limit) w.minute = new CooldownPool(perMinute, 60_000);
    const reset = Number(header('x-ratelimit-reset'));
    if (header('x-ratelimit-remaining') === '0' && reset > 0) {
      // Capped: a skewed clock must not stall a credential for longer than one window.
      w.blockedUntil = Math.max(w.blockedUntil, Math.min(reset * 1000, Date.now() + 60_000));
    }
  }
}
