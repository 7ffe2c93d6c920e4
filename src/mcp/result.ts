/**
 * The one boundary where outcomes become `CallToolResult`s: data as `structuredContent` plus the
 * same JSON as text; every failure as `isError` with a short, trusted, actionable message.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';
import type { ApiError } from '../api/errors.js';
import type { ToolSpec } from '../catalogue/types.js';
import { type ErrorFacts, errorBody, type FieldIssue, type ToolErrorBody } from '../runtime/errors/body.js';
import type { ErrorCode } from '../runtime/errors/classes.js';
import { apiErrorBody, type ErrorSite } from '../runtime/errors/classify.js';
import { invalidArguments, structuredOf, usageFailure } from '../runtime/outcome.js';
import { fitToBudget } from './budget.js';

/** The structured record (runtime/outcome.ts) within the result budget, and as text. */
export function successResult(
  data: unknown,
  pagination?: unknown,
  maxChars = 25_000,
  sizeArg = 'limit',
): CallToolResult {
  const structured = structuredOf(data, pagination);
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

export type { FieldIssue, ToolErrorBody } from '../runtime/errors/body.js';

export function apiErrorResult(error: ApiError, site: ErrorSite): CallToolResult {
  return errorResultOf(apiErrorBody(error, site));
}

/** Bad arguments, caught before anything reaches the network. */
export function invalidArgumentsResult(tool: string, issues: readonly FieldIssue[]): CallToolResult {
  return errorResultOf(invalidArguments(tool, issues));
}

/** A rule the tool checks itself (e.g. two options that exclude each other); nothing was sent. */
export function usageErrorResult(tool: string, message: string, field?: string): CallToolResult {
  return errorResultOf(usageFailure(tool, message, field));
}

export function errorResultOf(body: ToolErrorBody): CallToolResult {
  const structured = { error: body };
  return {
    isError: true,
    structuredContent: structured,
    content: [{ type: 'text', text: JSON.stringify(structured) }],
  };
}

/** A failed call as a tool result: `{ error: body }` as structuredContent and as text. */
export function toolErrorResult(code: ErrorCode, message: string, facts: ErrorFacts = {}): CallToolResult {
  return errorResultOf(errorBody(code, message, facts));
}
