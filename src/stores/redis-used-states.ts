/**
 * Used confirmation states (src/mcp/used-states.ts) in Redis, so a `requestState` answered on one
 * replica cannot act again on another. The first replica to SET the state's id (NX) runs the call
 * and then stores its outcome for the state's lifetime; any other gets that outcome, waiting for it
 * while the call runs. If Redis cannot answer, the state is refused, nothing runs: a confirmation
 * that might already have acted elsewhere must not act twice.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallToolResult } from '@modelcontextprotocol/server';
import type { Redis } from 'ioredis';
import { toolErrorResult } from '../mcp/result.js';
import type { UsedStates } from '../mcp/used-states.js';

/** As in used-states.ts: a state can verify up to a second past its lifetime. */
const MARGIN_MS = 5_000;
const RUNNING = 'running';
const FAILED = 'failed';
/** How long another replica's call is waited for before answering without its outcome. */
const WAIT_MS = 30_000;
const POLL_MS = 100;

const unavailable = () =>
  toolErrorResult(
    'busy',
    'This confirmation could not be checked right now (the shared store did not answer); nothing was done.',
  );

export function usedStatesInRedis(redis: Redis): UsedStates {
  // Calls with the same id on this replica share one outcome without polling Redis.
  const local = new Map<string, Promise<CallToolResult>>();

  const outcomeOf = async (key: string): Promise<CallToolResult> => {
    const until = Date.now() + WAIT_MS;
    for (;;) {
      const value = await redis.get(key);
      if (value === null || value === FAILED) {
        return toolErrorResult(
          'confirmation_used',
          'This confirmation was already used; nothing was done again.',
        );
      }
      if (value !== RUNNING) return JSON.parse(value) as CallToolResult;
      if (Date.now() >= until) {
        return toolErrorResult(
          'confirmation_used',
          'This confirmation is being acted on by another request; nothing was done again.',
        );
      }
      await sleep(POLL_MS);
    }
  };

  const run = async (id: string, ttlMs: number, act: () => Promise<CallToolResult>) => {
    const key = `used:${id}`;
    const keepMs = ttlMs + MARGIN_MS;
    let first: 'OK' | null;
    try {
      first = await redis.set(key, RUNNING, 'PX', keepMs, 'NX');
    } catch {
      return unavailable();
    }
    if (first === null) return outcomeOf(key).catch(unavailable);
    let outcome: CallToolResult;
    try {
      outcome = await act();
    } catch (error) {
      await redis.set(key, FAILED, 'PX', keepMs, 'XX').catch(() => {});
      throw error;
    }
    // Kept for replays elsewhere; if this write fails they get "already used", never a second run.
    await redis.set(key, JSON.stringify(outcome), 'PX', keepMs, 'XX').catch(() => {});
    return outcome;
  };

  return {
    once(id, ttlMs, act) {
      const known = local.get(id);
      if (known) return known;
      const outcome = run(id, ttlMs, act).finally(() => {
        // Redis keeps it from here; the local entry only merged concurrent calls.
        setTimeout(() => local.delete(id), 1_000).unref();
      });
      local.set(id, outcome);
      return outcome;
    },
  };
}
