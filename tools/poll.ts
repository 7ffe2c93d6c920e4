/**
 * Polling a background job while reporting progress, for the tools that queue work (waterfall
 * enrichment, audience-sync runs). Used only when the caller asked for progress; otherwise those
 * tools return the job handle at once and say how to poll.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunContext } from '../src/catalogue/types.js';

export interface PollState<T> {
  readonly done: boolean;
  readonly status: string;
  readonly data: T;
}

export interface PollOptions<T> {
  readonly ctx: RunContext;
  readonly read: () => Promise<PollState<T>>;
  /** Statuses in the order a job moves through them, for a progress fraction. */
  readonly stages: readonly string[];
  readonly label: string;
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
}

export const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** Reads until the job is terminal or the time is up; returns the last state either way. */
export async function pollJob<T>(opts: PollOptions<T>): Promise<PollState<T> & { timedOut: boolean }> {
  const { ctx, stages } = opts;
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  const total = stages.length;
  let reported = -1;
  for (;;) {
    const state = await opts.read();
    const step = state.done ? total : Math.max(0, stages.indexOf(state.status));
    // MCP requires progress to increase with every notification: report each stage once.
    if (step > reported) {
      reported = step;
      await ctx.progress?.({ progress: step, total, message: `${opts.label}: ${state.status}` });
    }
    if (state.done) return { ...state, timedOut: false };
    if (Date.now() >= deadline) return { ...state, timedOut: true };
    await sleep(opts.intervalMs ?? 750, undefined, ctx.signal ? { signal: ctx.signal } : undefined);
  }
}
