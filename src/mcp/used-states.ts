/**
 * The store of used confirmation states: which state ids have acted, and with what outcome. In
 * memory here, so single use holds within one process (stdio, or one remote replica); the
 * shared-state work puts the same interface on Redis so that every replica refuses a state another
 * replica has used.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';

export interface UsedStates {
  /**
   * The first call for `id` runs `act`; its outcome is kept for at least `ttlMs` (the state's own
   * lifetime) and later calls get it (or wait for it) without running anything. When the store is
   * full of live entries, nothing runs and `full()` answers instead: a live entry is never
   * forgotten, since forgetting it would let its state act twice.
   */
  once(
    id: string,
    ttlMs: number,
    act: () => Promise<CallToolResult>,
    full: () => CallToolResult,
  ): Promise<CallToolResult>;
}

const MAX_ENTRIES = 100_000;
/**
 * Kept past the state's lifetime: the SDK's codec counts expiry in whole seconds from a rounded-
 * down mint time, so a state can still verify up to a second after `ttlMs`.
 */
const MARGIN_MS = 5_000;

export function usedStatesInMemory(now: () => number = Date.now): UsedStates {
  const entries = new Map<string, { until: number; outcome: Promise<CallToolResult> }>();
  const sweep = () => {
    const t = now();
    // Insertion order is expiry order (one ttl per process), so stop at the first live entry.
    for (const [id, entry] of entries) {
      if (entry.until > t) break;
      entries.delete(id);
    }
  };
  return {
    once(id, ttlMs, act, full) {
      sweep();
      const known = entries.get(id);
      if (known) return known.outcome;
      if (entries.size >= MAX_ENTRIES) return Promise.resolve(full());
      const outcome = act();
      entries.set(id, { until: now() + ttlMs + MARGIN_MS, outcome });
      return outcome;
    },
  };
}
