/**
 * What a tool call came to, in no face's shape: the data as a structured record, or a failure as
 * the one error body (errors/body.ts). The MCP server turns these into a CallToolResult
 * (src/mcp/result.ts), the CLI into a table, JSON or an exit code.
 */
import { ApiError } from '../api/errors.js';
import { PathParamError } from '../api/path.js';
import { internalRequestId, UsageError } from '../platform/errors.js';
import { errorBody, type FieldIssue, type ToolErrorBody } from './errors/body.js';
import { apiErrorBody, type ErrorSite } from './errors/classify.js';

/** Lists become `{ items, pagination }`; objects pass through; anything else is `{ result }`. */
export function structuredOf(data: unknown, pagination?: unknown): Record<string, unknown> {
  let structured: Record<string, unknown>;
  if (Array.isArray(data)) structured = { items: data };
  else if (typeof data === 'object' && data !== null) structured = { ...(data as Record<string, unknown>) };
  else structured = { result: data ?? null };
  if (pagination !== undefined && pagination !== null) structured.pagination = pagination;
  return structured;
}

export interface Failure {
  readonly body: ToolErrorBody;
  /** Set for a bug: the face logs `error` with its stack under `requestId` (the body names the id). */
  readonly internal?: { readonly error: unknown; readonly requestId: string };
}

/** Bad arguments, caught before anything reaches the network. */
export function invalidArguments(tool: string, issues: readonly FieldIssue[]): ToolErrorBody {
  const text = issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; ');
  return errorBody('invalid_arguments', `Invalid arguments for ${tool}: ${text}`, {
    field: issues[0]?.field,
    values: { tool },
    ...(issues.length > 1 ? { extra: { fields: [...issues] } } : {}),
  });
}

/** A rule the tool checks itself (e.g. two options that exclude each other); nothing was sent. */
export function usageFailure(tool: string, message: string, field?: string): ToolErrorBody {
  return errorBody('invalid_arguments', message, { field, values: { tool } });
}

/** What a thrown error means for the caller: graph8's answer, the caller's mistake, or our bug. */
export function failureOf(error: unknown, site: ErrorSite): Failure {
  if (error instanceof ApiError) return { body: apiErrorBody(error, site) };
  // A path parameter no request can carry: nothing was sent for it.
  if (error instanceof PathParamError)
    return { body: invalidArguments(site.tool, [{ field: error.param, message: error.problem }]) };
  // A tool's own argument rule (thrown before any request).
  if (error instanceof UsageError) return { body: usageFailure(site.tool, error.message) };
  const requestId = internalRequestId();
  return {
    body: errorBody(
      'internal_error',
      `Internal error in the MCP server (request id ${requestId}); the details are in its log under that id.`,
      { requestId },
    ),
    internal: { error, requestId },
  };
}
