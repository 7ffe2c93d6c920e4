/**
 * The store of used confirmation states: which state ids have acted, and with what outcome. In
 * memory here (one process); the shared-state work puts the same interface on Redis so that every
 * replica refuses a state another replica has used.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';

export interface UsedStates {
  /**
   * The first call for `id` runs `act` and its outcome is kept for `ttlMs`; later calls get the
   * same outcome (or wait for it) without running anything.
   */
  once(id: string, ttlMs: number, act: () => Promise<CallToolResult>): Promise<CallToolResult>;
}

const MAX_ENTRIES = 100_000;

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
    once(id, ttlMs, act) {
      sweep();
      const known = entries.get(id);
      if (known) return known.outcome;
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
      const outcome = act();
      entries.set(id, { until: now() + ttlMs, outcome });
      return outcome;
    },
  };
}
