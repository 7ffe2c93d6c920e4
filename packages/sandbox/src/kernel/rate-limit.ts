/**
 * Per-org sliding-window rate limit (§1.6): N per second and M per minute across all data
 * routes. In memory on purpose: limits reset on restart, like a fresh window upstream. Refused
 * requests do not consume budget, so a client that waits Retry-After always gets through.
 */
export interface RateLimitConfig {
  readonly perSecond: number;
  readonly perMinute: number;
}

export interface RateDecision {
  readonly allowed: boolean;
  readonly headers: Record<string, string>;
  /** Seconds to wait; set only when refused. */
  readonly retryAfter?: number;
}

export class RateLimiter {
  /** Accepted request times (ms) of the last minute, oldest first, per org. */
  private readonly windows = new Map<string, number[]>();

  constructor(readonly config: RateLimitConfig) {}

  check(orgId: string, nowMs: number): RateDecision {
    const stamps = this.windows.get(orgId) ?? [];
    // Drop everything older than the minute window.
    let drop = 0;
    while (drop < stamps.length && (stamps[drop] as number) <= nowMs - 60_000) drop++;
    if (drop > 0) stamps.splice(0, drop);
    this.windows.set(orgId, stamps);

    const inSecond = stamps.filter((t) => t > nowMs - 1000);
    const secondFull = inSecond.length >= this.config.perSecond;
    const minuteFull = stamps.length >= this.config.perMinute;
    const allowed = !secondFull && !minuteFull;
    if (allowed) stamps.push(nowMs);

    const oldest = stamps[0];
    const resetSec = Math.ceil(((oldest ?? nowMs) + 60_000) / 1000);
    const headers: Record<string, string> = {
      'X-RateLimit-Limit-Second': String(this.config.perSecond),
      'X-RateLimit-Limit-Minute': String(this.config.perMinute),
      'X-RateLimit-Remaining': String(Math.max(0, this.config.perMinute - stamps.length)),
      'X-RateLimit-Reset': String(resetSec),
    };
    if (allowed) return { allowed, headers };

    // Wait until every full window frees its oldest slot (at least one second).
    const freeAt = Math.max(
      minuteFull ? (oldest ?? nowMs) + 60_000 : nowMs,
      secondFull ? (inSecond[0] ?? nowMs) + 1000 : nowMs,
    );
    const retryAfter = Math.max(1, Math.ceil((freeAt - nowMs) / 1000));
    return { allowed, headers: { ...headers, 'Retry-After': String(retryAfter) }, retryAfter };
  }
}
