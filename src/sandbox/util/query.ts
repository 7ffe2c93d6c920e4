/**
 * Query-string readers with FastAPI's coercion rules, so a bad value is a 422 with the exact
 * `loc` a client can act on instead of a silent default.
 */
import { HttpError, type SandboxRequest } from '../module.js';

type Query = SandboxRequest['query'];

function invalid(name: string, msg: string, type: string): HttpError {
  return new HttpError(422, { detail: [{ loc: ['query', name], msg, type }] });
}

/** The last value of a possibly repeated parameter; empty strings count as absent. */
export function queryString(query: Query, name: string): string | undefined {
  const raw = query[name];
  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  return value === undefined || value === '' ? undefined : value;
}

export interface IntRule {
  min?: number;
  max?: number;
}

export function queryInt(query: Query, name: string, rule: IntRule = {}): number | undefined {
  const text = queryString(query, name);
  if (text === undefined) return undefined;
  if (!/^-?\d{1,15}$/.test(text.trim())) {
    throw invalid(name, 'Input should be a valid integer', 'int_parsing');
  }
  const value = Number(text.trim());
  if (rule.min !== undefined && value < rule.min) {
    throw invalid(name, `Input should be greater than or equal to ${rule.min}`, 'greater_than_equal');
  }
  if (rule.max !== undefined && value > rule.max) {
    throw invalid(name, `Input should be less than or equal to ${rule.max}`, 'less_than_equal');
  }
  return value;
}

const TRUE = new Set(['true', '1', 'yes', 'on', 't', 'y']);
const FALSE = new Set(['false', '0', 'no', 'off', 'f', 'n']);

export function queryBool(query: Query, name: string, fallback = false): boolean {
  const text = queryString(query, name);
  if (text === undefined) return fallback;
  const lower = text.toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  throw invalid(name, 'Input should be a valid boolean', 'bool_parsing');
}

/** A path parameter that must be an integer id; anything else is the same 404 as a foreign id. */
export function pathId(params: Readonly<Record<string, string>>, name: string, notFound: string): number {
  const text = params[name] ?? '';
  if (!/^\d{1,15}$/.test(text)) {
    // FastAPI would answer 422 for a non-integer path id; the MCP layer sends ints, and a 422
    // with loc ["path", name] is the more useful answer for a human typing the URL.
    throw new HttpError(422, {
      detail: [{ loc: ['path', name], msg: 'Input should be a valid integer', type: 'int_parsing' }],
    });
  }
  const id = Number(text);
  if (!Number.isSafeInteger(id)) throw new HttpError(404, { detail: notFound });
  return id;
}
