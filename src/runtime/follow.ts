/**
 * Following a job a tool started (JobSpec, src/catalogue/types.ts) until graph8 says it is done:
 * the one poll loop behind MCP progress on a held call, MCP tasks (src/mcp/tasks/) and the CLI's
 * --wait. It never polls faster than the job's interval; each read goes through the REST client,
 * so it also waits for the key's pacing budget and retries 429/5xx like any other read.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  JobHandle,
  JobSpec,
  JobState,
  ProgressUpdate,
  RestCaller,
  RestResult,
} from '../catalogue/types.js';

export interface FollowOptions {
  /** Aborting it stops the loop between polls (the abort reason is thrown). */
  readonly signal?: AbortSignal | undefined;
  /** MCP progress / a terminal's progress line: each stage reported once, always increasing. */
  readonly progress?: ((update: ProgressUpdate) => Promise<void>) | undefined;
  /** Every state read, for a task's status message. */
  readonly onState?: ((state: JobState) => Promise<void> | void) | undefined;
  /** Give up (returning the last state, `timedOut`) after this long. Default: follow to the end. */
  readonly timeoutMs?: number | undefined;
}

export interface Followed {
  readonly last: JobState;
  readonly timedOut: boolean;
}

export async function followJob(
  job: JobSpec,
  handle: JobHandle,
  api: RestCaller,
  opts: FollowOptions = {},
): Promise<Followed> {
  const deadline = Date.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);
  const total = job.stages.length;
  let reported = -1;
  for (;;) {
    opts.signal?.throwIfAborted();
    const state = await job.read(handle, api);
    await opts.onState?.(state);
    const step = state.done ? total : Math.max(0, job.stages.indexOf(state.status));
    // MCP requires progress to increase with every notification: report each stage once.
    if (opts.progress && step > reported) {
      reported = step;
      await opts.progress({ progress: step, total, message: state.message });
    }
    if (state.done) return { last: state, timedOut: false };
    if (Date.now() >= deadline) return { last: state, timedOut: true };
    await sleep(job.intervalMs, undefined, opts.signal ? { signal: opts.signal } : undefined);
  }
}

/**
 * The tool's answer after following: the start answer's fields with the job's last state over
 * them. A finished job drops the start's `next` (how to poll it); one still running keeps it.
 */
export function followedResult(started: RestResult, followed: Followed): RestResult {
  const base = isRecord(started.data) ? started.data : {};
  const { next, ...rest } = base;
  const keep = followed.timedOut && next !== undefined ? { next } : {};
  return { ...started, data: { ...rest, ...followed.last.data, ...keep } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
