/**
 * The one error body every failed tool call carries, local or from graph8: always the same keys
 * with the same types, its `type`, `retryable` and `hint` from its class (classes.ts).
 */
import { ERROR_CLASSES, type ErrorCode, type ErrorType, fillHint } from './classes.js';

export interface FieldIssue {
  field: string;
  message: string;
}

export interface ToolErrorBody {
  /** The HTTP status graph8 answered with; null when no HTTP answer is behind the error. */
  status: number | null;
  type: ErrorType;
  code: ErrorCode;
  message: string;
  field: string | null;
  request_id: string | null;
  retryable: boolean;
  hint: string;
  /** Present when relevant: the scope a refusal names, every rejected field, the wait, graph8's structured detail. */
  required_scope?: string;
  fields?: FieldIssue[];
  retry_after_seconds?: number;
  detail?: unknown;
}

export interface ErrorFacts {
  readonly status?: number | null;
  readonly field?: string | null | undefined;
  readonly requestId?: string | null | undefined;
  /** Fills the `{…}` parts of the hint (`tool`, `field` and the class's own). */
  readonly values?: Readonly<Record<string, string | undefined>>;
  readonly extra?: Pick<ToolErrorBody, 'required_scope' | 'fields' | 'retry_after_seconds' | 'detail'>;
}

export function errorBody(code: ErrorCode, message: string, facts: ErrorFacts = {}): ToolErrorBody {
  const cls = ERROR_CLASSES[code];
  const field = facts.field || null;
  return {
    status: facts.status ?? null,
    type: cls.type,
    code,
    message,
    field,
    request_id: facts.requestId ?? null,
    retryable: cls.retryable,
    hint: fillHint(code, { ...facts.values, field: quoted(field), tool: quoted(facts.values?.tool) }),
    ...facts.extra,
  };
}

const quoted = (name: string | null | undefined) => (name ? `\`${name}\`` : undefined);
