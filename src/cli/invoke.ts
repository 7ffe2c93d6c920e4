/**
 * One tool call, down the same path the MCP server takes: `spec.run`, or the declarative request
 * through `bindCaller`, then the same result shaping (src/mcp/result.ts). Only the presentation
 * differs from a tool result. Imported lazily: it pulls in the HTTP client, which help and usage
 * errors never need.
 */
import type { ApiClient } from '../api/client.js';
import type { ExposedTool } from '../catalogue/select.js';
import type { ProgressUpdate } from '../catalogue/types.js';
import { bindCaller } from '../mcp/caller.js';
import { buildRestRequest } from '../mcp/request.js';
import { successResult } from '../mcp/result.js';
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
    const result = spec.run
      ? await spec.run(input as never, { api: caller, signal, ...(progress ? { progress } : {}) })
      : await caller.call(buildRestRequest(spec.http!, input));
    // No size budget: the model-context limit of the MCP result does not apply to a terminal or a pipe.
    const shaped = successResult(result.data, result.pagination, Number.POSITIVE_INFINITY);
    return { structured: shaped.structuredContent as Record<string, unknown>, data: result.data };
  } catch (error) {
    throw toCliError(error, tool, input);
  }
}
