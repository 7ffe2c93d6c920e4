/**
 * What this replica checked lately (an access token, a grant's upstream credential), kept for a
 * short time so it still serves while the store (PostgreSQL) cannot answer. Never consulted while
 * the store answers: a revocation is seen at once then, and during an outage at most `ttlMs` late.
 */
export const RECENT_CHECK_MS = 60_000;

export class RecentChecks<T> {
  readonly #entries = new Map<string, { readonly value: T; readonly until: number }>();

  constructor(
    private readonly ttlMs = RECENT_CHECK_MS,
    private readonly max = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keeps `value` until `ttlMs` from now, or `expiresAt` (epoch ms) if sooner. */
  remember(key: string, value: T, expiresAt = Number.POSITIVE_INFINITY): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, until: Math.min(this.now() + this.ttlMs, expiresAt) });
    // Oldest first in a Map: the first entry is the one to drop.
    if (this.#entries.size > this.max) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  recall(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.value;
    this.#entries.delete(key);
    return undefined;
  }
}
