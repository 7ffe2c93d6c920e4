/**
 * Failed credential checks, counted per client address and per key prefix in fixed windows. A
 * caller over the limit is answered 429 with Retry-After before its credential costs anything
 * (no GET /me upstream, no token lookup), so probing random API keys from one address — or one
 * key's prefix from many — stops at `limit` checks a window. Bounded: at most `maxEntries`
 * counters, expired ones dropped first, then the oldest.
 */

export interface ThrottleOptions {
  /** Failed checks allowed per address (and per key prefix) in one window; 0 turns it off. */
  readonly limit: number;
  readonly windowMs: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/** Where failed checks are counted: this process (FailureThrottle) or Redis (src/stores). */
export interface FailureCounter {
  /** Seconds until these buckets allow another check, or 0 when they allow it now. */
  retryAfter(buckets: readonly string[]): number | Promise<number>;
  /** Counts one failed check against every bucket. */
  fail(buckets: readonly string[]): void | Promise<void>;
}

interface Counter {
  count: number;
  resetAt: number;
}

export class FailureThrottle implements FailureCounter {
  readonly #counters = new Map<string, Counter>();
  readonly #opts: ThrottleOptions;
  readonly #now: () => number;
  readonly #max: number;

  constructor(opts: ThrottleOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#max = opts.maxEntries ?? 50_000;
  }

  get enabled(): boolean {
    return this.#opts.limit > 0;
  }

  /** Seconds until these buckets allow another check, or 0 when they allow it now. */
  retryAfter(buckets: readonly string[]): number {
    if (!this.enabled) return 0;
    const now = this.#now();
    let wait = 0;
    for (const bucket of buckets) {
      const c = this.#counters.get(bucket);
      if (c && c.resetAt > now && c.count >= this.#opts.limit) {
        wait = Math.max(wait, Math.ceil((c.resetAt - now) / 1000));
      }
    }
    return wait;
  }

  /** Counts one failed check against every bucket. */
  fail(buckets: readonly string[]): void {
    if (!this.enabled) return;
    const now = this.#now();
    for (const bucket of buckets) {
      const c = this.#counters.get(bucket);
      if (c && c.resetAt > now) {
        c.count++;
        continue;
      }
      if (c) this.#counters.delete(bucket);
      if (this.#counters.size >= this.#max) this.#prune(now);
      this.#counters.set(bucket, { count: 1, resetAt: now + this.#opts.windowMs });
    }
  }

  #prune(now: number): void {
    for (const [bucket, c] of this.#counters) if (c.resetAt <= now) this.#counters.delete(bucket);
    // Still full: the oldest counters go (insertion order is window start order).
    while (this.#counters.size >= this.#max) {
      this.#counters.delete(this.#counters.keys().next().value as string);
    }
  }
}

/** The throttle's buckets for a caller: its address (an IPv6 one by its /64) and a key's prefix. */
export function failureBuckets(address: string | undefined, key?: string): string[] {
  const buckets: string[] = [];
  if (address) buckets.push(`ip:${addressBucket(address)}`);
  // `g8_live_` and the next 8 characters: what a key shows of itself in graph8's UI and logs.
  if (key && /^g8_(live|test)_/.test(key)) buckets.push(`key:${key.slice(0, 16)}`);
  return buckets;
}

function addressBucket(address: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (v4) return v4[1] as string;
  if (!address.includes(':')) return address;
  // One host on IPv6 is usually given a whole /64: count them as one address.
  const [head = '', tail = ''] = address.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
