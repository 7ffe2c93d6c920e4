/**
 * The one boundary where outcomes become `CallToolResult`s: data as `structuredContent` plus the
 * same JSON as text; every failure as `isError` with a short, trusted, actionable message.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';
import type { ApiError } from '../api/errors.js';
import type { ToolSpec } from '../catalogue/types.js';
import { fitToBudget } from './budget.js';
import { errorResultOf, type FieldIssue, toolErrorResult } from './errors/body.js';
import { apiErrorBody, type ErrorSite } from './errors/classify.js';

/** Lists become `{ items, pagination }`; objects pass through; anything else is `{ result }`. */
export function successResult(
  data: unknown,
  pagination?: unknown,
  maxChars = 25_000,
  sizeArg = 'limit',
): CallToolResult {
  let structured: Record<string, unknown>;
  if (Array.isArray(data)) structured = { items: data };
  else if (typeof data === 'object' && data !== null) structured = { ...(data as Record<string, unknown>) };
  else structured = { result: data ?? null };
  if (pagination !== undefined && pagination !== null) structured.pagination = pagination;
  // Most results fit: their JSON is measured and sent as the text in one stringify.
  const text = JSON.stringify(structured);
  if (text.length <= maxChars) return { structuredContent: structured, content: [{ type: 'text', text }] };
  return structuredResult(fitToBudget(structured, maxChars, sizeArg));
}

/** The name of a tool's page-size argument, for the continuation of a cut page. */
export function pageSizeArg(spec: Pick<ToolSpec, 'input'>): string {
  return Object.hasOwn(spec.input.shape as object, 'page_size') ? 'page_size' : 'limit';
}

export function structuredResult(structured: Record<string, unknown>): CallToolResult {
  const text = JSON.stringify(structured);
  return { structuredContent: structured, content: [{ type: 'text', text }] };
}

export type { FieldIssue, ToolErrorBody } from './errors/body.js';
export { toolErrorResult } from './errors/body.js';

export function apiErrorResult(error: ApiError, site: ErrorSite): CallToolResult {
  return errorResultOf(apiErrorBody(error, site));
}

/** Bad arguments, caught before anything reaches the network. */
export function invalidArgumentsResult(tool: string, issues: readonly FieldIssue[]): CallToolResult {
  const text = issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; ');
  return toolErrorResult('invalid_arguments', `Invalid arguments for ${tool}: ${text}`, {
    field: issues[0]?.field,
    values: { tool },
    ...(issues.length > 1 ? { extra: { fields: [...issues] } } : {}),
  });
}

/** A rule the tool checks itself (e.g. two options that exclude each other); nothing was sent. */
export function usageErrorResult(tool: string, message: string, field?: string): CallToolResult {
  return toolErrorResult('invalid_arguments', message, { field, values: { tool } });
}

/**
 * Our own fault; the details go to the log under `requestId`, never to the model, which gets the
 * id to report.
 */
export function internalErrorResult(requestId: string): CallToolResult {
  return toolErrorResult(
    'internal_error',
    `Internal error in the MCP server (request id ${requestId}); the details are in its log under that id.`,
    { requestId },
  );
}
