/**
 * Client-side pacing per credential at the published limits (50 requests/s and 1,000/min by
 * default), so a burst from an agent waits a little instead of failing with 429s.
 *
 * Each window is a sliding log of the last N send times: a request may go when fewer than N went
 * in the preceding period. That is exact for the server's sliding or fixed windows, where a token
 * bucket's burst-plus-refill would overshoot. A call reserves its slot at once and then sleeps, so
 * concurrent callers need no queue and keep their order. The windows follow `X-RateLimit-*`.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Clocks and network add jitter; a slightly longer period keeps us inside the server's window. */
const MARGIN = 1.03;

class SlidingLog {
  readonly limit: number;
  readonly #period: number;
  readonly #times: Float64Array;
  #next = 0;
  #count = 0;

  constructor(limit: number, periodMs: number) {
    this.limit = limit;
    this.#period = periodMs * MARGIN;
    this.#times = new Float64Array(limit);
  }

  /** Earliest time the next request may go. */
  earliest(): number {
    return this.#count < this.limit ? 0 : (this.#times[this.#next] as number) + this.#period;
  }

  record(at: number): void {
    this.#times[this.#next] = at;
    this.#next = (this.#next + 1) % this.limit;
    this.#count = Math.min(this.#count + 1, this.limit);
  }
}

interface Windows {
  second: SlidingLog;
  minute: SlidingLog;
  blockedUntil: number;
}

export interface PacerLimits {
  readonly perSecond: number;
  readonly perMinute: number;
}

export const PUBLISHED_LIMITS: PacerLimits = { perSecond: 50, perMinute: 1000 };

export class Pacer {
  readonly #windows = new Map<string, Windows>();
  readonly #limits: PacerLimits;

  constructor(limits: PacerLimits = PUBLISHED_LIMITS) {
    this.#limits = limits;
  }

  #get(credential: string): Windows {
    let w = this.#windows.get(credential);
    if (!w) {
      w = {
        second: new SlidingLog(this.#limits.perSecond, 1000),
        minute: new SlidingLog(this.#limits.perMinute, 60_000),
        blockedUntil: 0,
      };
      this.#windows.set(credential, w);
      // One entry per credential; HTTP mode may see many, so forget the oldest beyond a bound.
      if (this.#windows.size > 10_000) this.#windows.delete(this.#windows.keys().next().value as string);
    }
    return w;
  }

  /** Reserves this credential's next slot and waits for it. */
  async take(credential: string, signal?: AbortSignal): Promise<void> {
    const w = this.#get(credential);
    const now = Date.now();
    const at = Math.max(now, w.blockedUntil, w.second.earliest(), w.minute.earliest());
    w.second.record(at);
    w.minute.record(at);
    if (at > now) await sleep(at - now, undefined, signal ? { signal } : undefined);
  }

  /** Follows the server's word: its limits, and "none left until Reset". */
  observe(credential: string, header: (name: string) => string | undefined): void {
    const w = this.#get(credential);
    const perSecond = Number(header('x-ratelimit-limit-second'));
    const perMinute = Number(header('x-ratelimit-limit-minute'));
    if (perSecond > 0 && perSecond !== w.second.limit) w.second = new SlidingLog(perSecond, 1000);
    if (perMinute > 0 && perMinute !== w.minute.limit) w.minute = new SlidingLog(perMinute, 60_000);
    const reset = Number(header('x-ratelimit-reset'));
    if (header('x-ratelimit-remaining') === '0' && reset > 0) {
      // Capped: a skewed clock must not stall a credential for longer than one window.
      w.blockedUntil = Math.max(w.blockedUntil, Math.min(reset * 1000, Date.now() + 60_000));
    }
  }
}
