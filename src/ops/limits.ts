/**
 * Per-principal tool-call limits (remote mode): a token bucket of calls per minute and a cap on
 * calls in flight, per API key hash or OAuth grant. They sit in front of the upstream pacer, which
 * makes a burst wait: these refuse at once, so one principal cannot fill the server with queued
 * calls that every other principal then waits behind.
 */

export interface PrincipalLimitSettings {
  /** Tool calls a minute per principal (bursts up to a tenth of it); 0: no limit. */
  readonly callsPerMinute: number;
  /** Tool calls in flight per principal; 0: no cap. */
  readonly maxInflight: number;
}

/** What the tool host asks before a call: this process's limits, or the shared ones (src/stores). */
export interface CallAdmission {
  admit(principal: string): Admission | Promise<Admission>;
}

export type Admission =
  | { readonly ok: true; release(): void }
  | { readonly ok: false; readonly reason: 'rate' | 'inflight'; readonly retryAfterSeconds: number };

interface State {
  tokens: number;
  at: number;
  inflight: number;
}

/** Principals remembered at most; the least recently seen idle one is forgotten beyond it. */
const MAX_PRINCIPALS = 10_000;

const NOOP = () => {};

export class PrincipalLimits implements CallAdmission {
  readonly #settings: PrincipalLimitSettings;
  /** The bucket's size and refill, which the shared limits (src/stores) use as well. */
  readonly burst: number;
  readonly perMs: number;
  readonly #now: () => number;
  readonly #states = new Map<string, State>();

  constructor(settings: PrincipalLimitSettings, now: () => number = Date.now) {
    this.#settings = settings;
    this.burst = Math.max(1, Math.ceil(settings.callsPerMinute / 10));
    this.perMs = settings.callsPerMinute / 60_000;
    this.#now = now;
  }

  /** Admits one call of `principal`, or says why not and when to try again. */
  admit(principal: string): Admission {
    const { callsPerMinute, maxInflight } = this.#settings;
    if (!callsPerMinute && !maxInflight) return { ok: true, release: NOOP };
    const now = this.#now();
    const s = this.#state(principal, now);
    if (maxInflight && s.inflight >= maxInflight) {
      return { ok: false, reason: 'inflight', retryAfterSeconds: 1 };
    }
    if (callsPerMinute) {
      s.tokens = Math.min(this.burst, s.tokens + (now - s.at) * this.perMs);
      s.at = now;
      if (s.tokens < 1) {
        return {
          ok: false,
          reason: 'rate',
          retryAfterSeconds: Math.ceil((1 - s.tokens) / this.perMs / 1000),
        };
      }
      s.tokens -= 1;
    }
    s.inflight += 1;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        s.inflight -= 1;
      },
    };
  }

  #state(principal: string, now: number): State {
    let s = this.#states.get(principal);
    if (s) {
      // Re-inserted: the map's order is the order of last use.
      this.#states.delete(principal);
    } else {
      s = { tokens: this.burst, at: now, inflight: 0 };
      if (this.#states.size >= MAX_PRINCIPALS) this.#forgetOne();
    }
    this.#states.set(principal, s);
    return s;
  }

  #forgetOne(): void {
    for (const [key, s] of this.#states) {
      // A principal with calls in flight keeps its count, or the cap could be walked around.
      if (s.inflight === 0) {
        this.#states.delete(key);
        return;
      }
    }
  }
}
