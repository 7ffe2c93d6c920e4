/**
 * One error type for everything the REST API (or the way to it) can answer with. The four body
 * shapes of api-contract §1.5 are parsed here, once, so nothing downstream looks at raw bodies.
 */

import { G8Error } from '../platform/errors.js';

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export interface ApiErrorInit {
  readonly status: number;
  readonly type?: string | undefined;
  readonly code?: string | undefined;
  readonly message: string;
  readonly fieldErrors?: readonly FieldError[];
  readonly requestId?: string | undefined;
  readonly retryAfterSeconds?: number | undefined;
  readonly requiredScope?: string | undefined;
  readonly detail?: unknown;
}

export class ApiError extends G8Error {
  readonly status: number;
  readonly type: string | undefined;
  readonly code: string | undefined;
  readonly fieldErrors: readonly FieldError[];
  readonly requestId: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly requiredScope: string | undefined;
  /** The structured part of the body (e.g. launch readiness problems); data, never instructions. */
  readonly detail: unknown;

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.name = new.target.name;
    this.status = init.status;
    this.type = init.type;
    this.code = init.code;
    this.fieldErrors = init.fieldErrors ?? [];
    this.requestId = init.requestId;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.requiredScope = init.requiredScope;
    this.detail = init.detail;
  }

  /** Worth retrying later (contract §1.5): 429, 500, 502, 503, 504 and failures with no response. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status === 408 || this.status >= 500;
  }
}

export class BadRequestError extends ApiError {}
export class AuthenticationError extends ApiError {}
export class PaymentRequiredError extends ApiError {}
export class PermissionDeniedError extends ApiError {}
export class NotFoundError extends ApiError {}
export class ConflictError extends ApiError {}
export class UnprocessableEntityError extends ApiError {}
export class RateLimitError extends ApiError {}
export class InternalServerError extends ApiError {}
/** No HTTP response at all: refused, reset, DNS, TLS. */
export class ConnectionError extends ApiError {}
export class TimeoutError extends ApiError {}
/** A 2xx whose body is not the JSON the contract promises. */
export class InvalidResponseError extends ApiError {}

const byStatus: Record<number, typeof ApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  402: PaymentRequiredError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

const MAX_MESSAGE = 300;

/** Upstream text is data: cap it and strip control characters before it reaches a model. */
export function cleanText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > MAX_MESSAGE ? `${flat.slice(0, MAX_MESSAGE)}…` : flat;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** FastAPI `loc` like ["body","work_email"] → "work_email" (the transport part is noise to a model). */
function fieldFromLoc(loc: unknown): string {
  if (!Array.isArray(loc)) return '';
  const parts = loc.map(String);
  if (parts.length > 1 && ['body', 'query', 'path', 'header'].includes(parts[0] ?? '')) parts.shift();
  return parts.join('.');
}

interface Parsed {
  message?: string | undefined;
  type?: string | undefined;
  code?: string | undefined;
  fieldErrors: FieldError[];
  requestId?: string | undefined;
  requiredScope?: string | undefined;
  detail?: unknown;
}

/** Reads shapes (a) plain detail, (b) field list, (c) typed, (d) wrapped `error`. */
export function parseErrorBody(body: unknown): Parsed {
  const out: Parsed = { fieldErrors: [] };
  if (!isRecord(body)) return out;
  out.type = str(body.type);
  out.code = str(body.code);
  out.requestId = str(body.request_id);
  out.requiredScope = str(body.required_scope);
  const detail = body.detail;
  if (typeof detail === 'string') {
    out.message = detail;
  } else if (Array.isArray(detail)) {
    for (const item of detail) {
      if (!isRecord(item)) continue;
      out.fieldErrors.push({ field: fieldFromLoc(item.loc), message: cleanText(str(item.msg) ?? 'invalid') });
    }
    const first = out.fieldErrors[0];
    if (first) out.message = first.field ? `${first.field}: ${first.message}` : first.message;
  } else if (isRecord(detail)) {
    out.detail = detail;
    out.message = str(detail.message) ?? str(detail.detail) ?? str(detail.status);
  }
  if (isRecord(body.error)) {
    const err = body.error;
    out.message ??= str(err.message);
    out.code ??= str(err.code);
    out.requestId ??= str(err.request_id);
    const field = str(err.field);
    if (field) out.fieldErrors.push({ field, message: cleanText(str(err.message) ?? 'invalid') });
  }
  if (!out.message && typeof body.message === 'string') out.message = body.message;
  return out;
}

/** `Retry-After` as seconds or an HTTP date, or `retry-after-ms`; undefined when absent. */
export function parseRetryAfter(
  header: string | undefined,
  headerMs: string | undefined,
  now = Date.now(),
): number | undefined {
  if (headerMs && /^\d+(\.\d+)?$/.test(headerMs.trim())) return Number(headerMs) / 1000;
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, (at - now) / 1000);
}

export function apiErrorFromResponse(
  status: number,
  body: unknown,
  headers: {
    requestId?: string | undefined;
    retryAfter?: string | undefined;
    retryAfterMs?: string | undefined;
  },
): ApiError {
  const parsed = parseErrorBody(body);
  const Cls = byStatus[status] ?? (status >= 500 ? InternalServerError : ApiError);
  return new Cls({
    status,
    type: parsed.type,
    code: parsed.code ?? String(status),
    message: cleanText(parsed.message ?? `HTTP ${status}`),
    fieldErrors: parsed.fieldErrors,
    requestId: parsed.requestId ?? headers.requestId,
    retryAfterSeconds: parseRetryAfter(headers.retryAfter, headers.retryAfterMs),
    requiredScope: parsed.requiredScope ?? scopeFromMessage(parsed.message),
    detail: parsed.detail,
  });
}

/** "API key lacks scope sequences:run" → "sequences:run", for 403s that only say it in words. */
function scopeFromMessage(message: string | undefined): string | undefined {
  return message?.match(/scope[:\s]+([a-z][a-z-]*:(?:\*|[a-z]+))/i)?.[1];
}
