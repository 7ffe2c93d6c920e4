/**
 * The one boundary where outcomes become `CallToolResult`s: data as `structuredContent` plus the
 * same JSON as text; every failure as `isError` with a short, trusted, actionable message.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';
import type { ApiError } from '../api/errors.js';
import type { Tier } from '../catalogue/types.js';
import { fitToBudget } from './budget.js';

/** Lists become `{ items, pagination }`; objects pass through; anything else is `{ result }`. */
export function successResult(data: unknown, pagination?: unknown, maxChars = 25_000): CallToolResult {
  let structured: Record<string, unknown>;
  if (Array.isArray(data)) structured = { items: data };
  else if (typeof data === 'object' && data !== null) structured = { ...(data as Record<string, unknown>) };
  else structured = { result: data ?? null };
  if (pagination !== undefined && pagination !== null) structured.pagination = pagination;
  // Most results fit: their JSON is measured and sent as the text in one stringify.
  const text = JSON.stringify(structured);
  if (text.length <= maxChars) return { structuredContent: structured, content: [{ type: 'text', text }] };
  return structuredResult(fitToBudget(structured, maxChars));
}

export function structuredResult(structured: Record<string, unknown>): CallToolResult {
  const text = JSON.stringify(structured);
  return { structuredContent: structured, content: [{ type: 'text', text }] };
}

export interface ToolErrorBody {
  status: number;
  type: string | null;
  code: string | null;
  message: string;
  field: string | null;
  request_id: string | null;
  retryable: boolean;
  hint: string;
  required_scope?: string;
  fields?: { field: string; message: string }[];
  retry_after_seconds?: number;
  detail?: unknown;
}

function errorResult(body: ToolErrorBody): CallToolResult {
  const structured = { error: body };
  return {
    isError: true,
    structuredContent: structured,
    content: [{ type: 'text', text: JSON.stringify(structured) }],
  };
}

const KEY_HELP = 'Create one in graph8 under Settings → API (org key) or Profile → Developer (personal key)';

function hintFor(error: ApiError, tier: Tier): string {
  switch (error.status) {
    case 400:
      return 'The API refused the request as given; fix the arguments named in the message and call again.';
    case 401:
      return `The API key was refused: check G8_API_KEY (or sign in again). ${KEY_HELP}.`;
    case 402:
      return 'Not enough graph8 credits for this action: top up or upgrade in graph8 billing, or use dry_run to see the cost first.';
    case 403:
      return error.requiredScope
        ? `The API key lacks scope ${error.requiredScope}. Use a key that has it (Settings → API) or ask an admin to add it.`
        : 'The API key is not allowed to do this (role or org guard); use a key with the right access.';
    case 404:
      return 'No such record in this org: verify the id (find it with the matching search or list tool).';
    case 409:
      return "The record's current state does not allow this; re-read it, wait for it to settle, then retry.";
    case 422:
      return 'Some fields were rejected: correct the fields listed and call again.';
    case 429:
      return `Rate limited by graph8: wait ${Math.max(1, Math.ceil(error.retryAfterSeconds ?? 1))} s before calling again.`;
    default:
      if (tier === 'external') {
        return 'The outcome is unknown and this action reaches people or systems outside graph8: do not resend; check the current state first (re-read the record).';
      }
      if (error.status === 0 && error.code === 'timeout')
        return 'The API was too slow; try again in a moment.';
      if (error.status === 0)
        return 'The graph8 API could not be reached; check G8_API_URL and the network, then retry.';
      return error.retryable ? 'A temporary API fault; retry in a moment.' : 'The API answered unexpectedly.';
  }
}

export function apiErrorResult(error: ApiError, tier: Tier): CallToolResult {
  const first = error.fieldErrors[0];
  const body: ToolErrorBody = {
    status: error.status,
    type: error.type ?? null,
    code: error.code ?? null,
    message:
      error.status === 422 && error.fieldErrors.length
        ? error.fieldErrors.map((f) => (f.field ? `${f.field}: ${f.message}` : f.message)).join('; ')
        : error.message,
    field: first?.field || null,
    request_id: error.requestId ?? null,
    retryable: error.retryable && !(tier === 'external' && error.status !== 429),
    hint: hintFor(error, tier),
  };
  if (error.requiredScope) body.required_scope = error.requiredScope;
  if (error.fieldErrors.length > 1) body.fields = [...error.fieldErrors];
  if (error.retryAfterSeconds !== undefined) body.retry_after_seconds = error.retryAfterSeconds;
  if (error.detail !== undefined) body.detail = error.detail;
  return errorResult(body);
}

export interface FieldIssue {
  field: string;
  message: string;
}

/** Bad arguments, caught before anything reaches the network. */
export function invalidArgumentsResult(tool: string, issues: readonly FieldIssue[]): CallToolResult {
  const text = issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; ');
  return errorResult({
    status: 0,
    type: 'invalid_arguments',
    code: 'invalid_arguments',
    message: `Invalid arguments for ${tool}: ${text}`,
    field: issues[0]?.field || null,
    request_id: null,
    retryable: false,
    hint: 'Nothing was sent. Fix the named fields (see the tool input schema) and call again.',
    ...(issues.length > 1 ? { fields: [...issues] } : {}),
  });
}

/** A rule the tool checks itself (e.g. two options that exclude each other). */
export function usageErrorResult(message: string): CallToolResult {
  return errorResult({
    status: 0,
    type: 'invalid_arguments',
    code: 'invalid_arguments',
    message,
    field: null,
    request_id: null,
    retryable: false,
    hint: 'Nothing was sent. Adjust the arguments and call again.',
  });
}

/** Our own fault; the details go to the log, never to the model. */
export function internalErrorResult(): CallToolResult {
  return errorResult({
    status: 0,
    type: 'internal_error',
    code: 'internal_error',
    message: 'The MCP server failed while handling this call; details are in its log.',
    field: null,
    request_id: null,
    retryable: false,
    hint: 'Report this with the server log if it repeats.',
  });
}
