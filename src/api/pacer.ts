/**
 * Client-side pacing per credential at the published limits (50 requests/s and 1,000/min by
 * default), so a burst from an agent waits a little instead of failing with 429s.
 *
 * Each window is a GCRA bucket (the "theoretical arrival time" form of a token bucket): a call
 * reserves its slot immediately and sleeps until the slot comes, so concurrent callers need no
 * queue and keep their order. The windows follow `X-RateLimit-*` headers when the API sends them.
 */
import { setTimeout as sleep } from 'node:timers/promises';

interface Window {
  intervalMs: number;
  burst: number;
  /** When the bucket is next empty again (ms since epoch). */
  tat: number;
}

interface Buckets {
  second: Window;
  minute: Window;
}

export interface PacerLimits {
  readonly perSecond: number;
  readonly perMinute: number;
}

export const PUBLISHED_LIMITS: PacerLimits = { perSecond: 50, perMinute: 1000 };

function window(perPeriod: number, periodMs: number): Window {
  return { intervalMs: periodMs / perPeriod, burst: perPeriod, tat: 0 };
}

/** Reserves one slot and returns how long to wait for it. */
function reserve(w: Window, now: number): number {
  const tat = Math.max(w.tat, now);
  const allowedAt = tat - (w.burst - 1) * w.intervalMs;
  w.tat = tat + w.intervalMs;
  return Math.max(0, allowedAt - now);
}

export class Pacer {
  readonly #buckets = new Map<string, Buckets>();
  readonly #limits: PacerLimits;

  constructor(limits: PacerLimits = PUBLISHED_LIMITS) {
    this.#limits = limits;
  }

  #get(credential: string): Buckets {
    let b = this.#buckets.get(credential);
    if (!b) {
      b = { second: window(this.#limits.perSecond, 1000), minute: window(this.#limits.perMinute, 60_000) };
      this.#buckets.set(credential, b);
      // One entry per credential; HTTP mode may see many, so forget the oldest beyond a bound.
      if (this.#buckets.size > 10_000) this.#buckets.delete(this.#buckets.keys().next().value as string);
    }
    return b;
  }

  /** Waits for this credential's next slot. */
  async take(credential: string, signal?: AbortSignal): Promise<void> {
    const b = this.#get(credential);
    const now = Date.now();
    const wait = Math.max(reserve(b.second, now), reserve(b.minute, now));
    if (wait > 0) await sleep(wait, undefined, signal ? { signal } : undefined);
  }

  /** Follows the server's word: its limits, and "none left until Reset". */
  observe(credential: string, header: (name: string) => string | undefined): void {
    const b = this.#get(credential);
    const perSecond = Number(header('x-ratelimit-limit-second'));
    const perMinute = Number(header('x-ratelimit-limit-minute'));
    if (perSecond > 0 && perSecond !== b.second.burst) b.second = window(perSecond, 1000);
    if (perMinute > 0 && perMinute !== b.minute.burst) b.minute = window(perMinute, 60_000);
    const remaining = header('x-ratelimit-remaining');
    const reset = Number(header('x-ratelimit-reset'));
    if (remaining === '0' && reset > 0) {
      // Empty until the reset instant: push the minute bucket's arrival time past it.
      const resetMs = reset * 1000;
      b.minute.tat = Math.max(b.minute.tat, resetMs + (b.minute.burst - 1) * b.minute.intervalMs);
    }
  }
}
