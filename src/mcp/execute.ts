/**
 * Runs one validated, confirmed tool call against graph8 and shapes the outcome as the tool's
 * CallToolResult: the start request(s) of the tool, then — for a tool that starts a job, when the
 * caller follows it (MCP progress, or as an MCP task) — the job to its end. Held calls and tasks
 * share this one path, so a task's result is exactly the tool's result.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';
import { ApiError } from '../api/errors.js';
import type { ExposedTool } from '../catalogue/select.js';
import type { JobHandle, JobSpec, ProgressUpdate, RestCaller, RestResult } from '../catalogue/types.js';
import { followedResult, followJob } from '../runtime/follow.js';
import { failureOf } from '../runtime/outcome.js';
import { buildRestRequest } from '../runtime/request.js';
import { errorResultOf, pageSizeArg, successResult } from './result.js';
import type { TaskControl } from './tasks/service.js';

/** A held call follows its job this long with progress; then it answers with the job as it stands. */
const HELD_FOLLOW_MS = 120_000;

export interface ExecuteDeps {
  readonly logger: { debug(obj: object, msg: string): void; error(obj: object, msg: string): void };
  readonly maxResultChars: number;
  /** Which tool names the caller can call, so error hints name only those. */
  readonly exposed?: ((name: string) => boolean) | undefined;
}

export interface ExecuteOptions {
  /** The request's cancellation (held calls); a task's comes with its control. */
  readonly signal?: AbortSignal | undefined;
  /** Given when the caller asked for progress: the job is followed while the call is held. */
  readonly progress?: ((update: ProgressUpdate) => Promise<void>) | undefined;
  /** Run as a task: follow the job to its end, recording where it is (src/mcp/tasks/service.ts). */
  readonly task?: TaskControl | undefined;
}

export interface Executed {
  readonly result: CallToolResult;
  readonly ok: boolean;
  readonly status?: number | undefined;
  readonly requestId?: string | undefined;
}

export async function executeTool(
  tool: ExposedTool,
  input: Record<string, unknown>,
  api: RestCaller,
  deps: ExecuteDeps,
  opts: ExecuteOptions = {},
): Promise<Executed> {
  const { spec } = tool;
  try {
    const outcome = await perform(tool, input, api, opts);
    return {
      result: successResult(outcome.data, outcome.pagination, deps.maxResultChars, pageSizeArg(spec)),
      ok: true,
      status: outcome.status,
      requestId: outcome.requestId,
    };
  } catch (error) {
    // Cancelled (the client's request, or tasks/cancel): the caller deals with that, not a result.
    if (opts.signal?.aborted || opts.task?.signal.aborted) throw error;
    const failure = failureOf(error, { tool: tool.name, spec, args: input, exposed: deps.exposed });
    const status = error instanceof ApiError ? error.status : undefined;
    const requestId = failure.body.request_id ?? undefined;
    if (failure.internal) {
      deps.logger.error(
        { tool: tool.name, err: failure.internal.error, request_id: requestId },
        'internal error in a tool call',
      );
    } else if (status !== undefined) {
      deps.logger.debug({ tool: tool.name, status, request_id: requestId }, 'tool call failed');
    }
    return { result: errorResultOf(failure.body), ok: false, status, requestId };
  }
}

async function perform(
  tool: ExposedTool,
  input: Record<string, unknown>,
  api: RestCaller,
  opts: ExecuteOptions,
): Promise<RestResult> {
  const { spec } = tool;
  const { task } = opts;
  const resumed = task?.record.started;
  // A task's start is never aborted: once graph8 may have begun, cancelling means cancelling the job.
  const startSignal = task ? undefined : opts.signal;
  const started =
    resumed ??
    (spec.run
      ? await spec.run(input as never, { api, ...(startSignal ? { signal: startSignal } : {}) })
      : await api.call(buildRestRequest(spec.http!, input)));
  const job = spec.job;
  if (!job || (!opts.progress && !task)) return started;
  const handle = resumed ? (task?.record.handle ?? undefined) : job.handle(input, started);
  if (task && !resumed) await task.started(started, handle);
  if (!handle) return started;
  if (!task) {
    const followed = await followJob(job, handle, api, {
      signal: opts.signal,
      progress: opts.progress,
      timeoutMs: HELD_FOLLOW_MS,
    });
    return followedResult(started, followed);
  }
  try {
    const followed = await followJob(job, handle, api, {
      signal: task.signal,
      onState: (state) => task.status(state.message),
    });
    return followedResult(started, followed);
  } catch (error) {
    if (task.cancelled()) await cancelUpstream(job, handle, api, task);
    throw error;
  }
}

/** tasks/cancel of a followed job: graph8 stops it where it can; the task says which happened. */
async function cancelUpstream(
  job: JobSpec,
  handle: JobHandle,
  api: RestCaller,
  task: TaskControl,
): Promise<void> {
  if (!job.cancel) {
    await task.status(
      'Cancelled by the client: polling stopped; graph8 cannot cancel this job, so it may still finish there',
    );
    return;
  }
  try {
    await job.cancel(handle, api);
    await task.status('Cancelled by the client: the job was cancelled at graph8 too');
  } catch (error) {
    const why = error instanceof ApiError ? `graph8 answered ${error.status}` : 'graph8 could not be reached';
    await task.status(
      `Cancelled by the client: polling stopped, but cancelling the job at graph8 failed (${why})`,
    );
  }
}
