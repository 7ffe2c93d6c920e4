/**
 * One tool call, down the same path the MCP server takes: `spec.run`, or the declarative request
 * through `bindCaller`, then the same outcome (src/runtime/outcome.ts). Only the presentation
 * differs from a tool result. With --wait, a job the tool starts is followed by the same loop as
 * an MCP task (src/runtime/follow.ts), and Ctrl-C cancels it at graph8 as tasks/cancel does. Imported lazily: it pulls in the HTTP client, which help and usage
 * errors never need.
 */
import type { ApiClient } from '../api/client.js';
import type { ExposedTool } from '../catalogue/select.js';
import type { JobHandle, JobSpec, ProgressUpdate, RestCaller, RestResult } from '../catalogue/types.js';
import { bindCaller } from '../runtime/caller.js';
import { followedResult, followJob } from '../runtime/follow.js';
import { structuredOf } from '../runtime/outcome.js';
import { buildRestRequest } from '../runtime/request.js';
import { toCliError } from './call.js';

export interface CallOutcome {
  /** `{items, pagination}` or the record: exactly the tool's structuredContent. */
  readonly structured: Record<string, unknown>;
  readonly data: unknown;
}

export async function callTool(
  api: ApiClient,
  apiKey: string,
  tool: ExposedTool,
  input: Record<string, unknown>,
  signal: AbortSignal,
  /** Given with --wait: tools that queue a job then follow it, reporting here (as for MCP progress). */
  progress?: (update: ProgressUpdate) => Promise<void>,
): Promise<CallOutcome> {
  const { spec } = tool;
  const caller = bindCaller(api, apiKey, spec.tier, signal);
  try {
    const started = spec.run
      ? await spec.run(input as never, { api: caller, signal })
      : await caller.call(buildRestRequest(spec.http!, input));
    const handle = progress && spec.job?.handle(input, started);
    const result =
      spec.job && handle
        ? await follow(spec.job, handle, started, caller, signal, progress, () =>
            bindCaller(api, apiKey, spec.tier),
          )
        : started;
    // No size budget: the model-context limit of the MCP result does not apply to a terminal or a pipe.
    return { structured: structuredOf(result.data, result.pagination), data: result.data };
  } catch (error) {
    throw toCliError(error, tool, input);
  }
}

/** --wait: follows the job to its end; interrupted, it asks graph8 to cancel the job (where it can). */
async function follow(
  job: JobSpec,
  handle: JobHandle,
  started: RestResult,
  api: RestCaller,
  signal: AbortSignal,
  progress: ((update: ProgressUpdate) => Promise<void>) | undefined,
  unbound: () => RestCaller,
): Promise<RestResult> {
  try {
    return followedResult(started, await followJob(job, handle, api, { signal, progress }));
  } catch (error) {
    if (signal.aborted) await job.cancel?.(handle, unbound()).catch(() => {});
    throw error;
  }
}
