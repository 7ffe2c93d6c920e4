/**
 * Query-string and path-parameter readers with FastAPI's coercion rules, so a bad value is a 422
 * with the exact `loc` a client can act on instead of a silent default. Two shapes of the same
 * rules: plain readers for a handler that reads one parameter at a time, and zod building blocks
 * for a handler that validates its whole input with one `parse` call.
 */
import { z } from 'zod';
import { HttpError, type SandboxRequest } from '../module.js';

type Query = SandboxRequest['query'];

/** Pydantic's boolean words (any case). */
const TRUE = new Set(['true', '1', 'yes', 'on', 't', 'y']);
const FALSE = new Set(['false', '0', 'no', 'off', 'f', 'n']);
const INTEGER = /^-?\d{1,15}$/;

/** A repeated scalar parameter counts as its last value; an empty string counts as absent. */
function scalar(value: unknown): unknown {
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return last === '' ? undefined : last;
}

function invalid(name: string, msg: string, type: string): HttpError {
  return new HttpError(422, { detail: [{ loc: ['query', name], msg, type }] });
}

/** The last value of a possibly repeated parameter; empty strings count as absent. */
export function queryString(query: Query, name: string): string | undefined {
  return scalar(query[name]) as string | undefined;
}

export interface IntRule {
  min?: number;
  max?: number;
}

export function queryInt(query: Query, name: string, rule: IntRule = {}): number | undefined {
  const text = queryString(query, name);
  if (text === undefined) return undefined;
  if (!INTEGER.test(text.trim())) {
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

/** Integer from a query string; `inner` carries the range and the default. */
export function qInt<T extends z.ZodType>(inner: T) {
  return z.preprocess((value) => {
    const text = scalar(value);
    if (typeof text === 'string' && INTEGER.test(text.trim())) return Number(text.trim());
    return text;
  }, inner);
}

/** Boolean from a query string (pydantic's words, any case). */
export function qBool<T extends z.ZodType>(inner: T) {
  return z.preprocess((value) => {
    const text = scalar(value);
    if (typeof text !== 'string') return text;
    const lower = text.toLowerCase();
    if (TRUE.has(lower)) return true;
    if (FALSE.has(lower)) return false;
    return text;
  }, inner);
}

/** A plain string parameter (last value when repeated). */
export function qStr<T extends z.ZodType>(inner: T) {
  return z.preprocess(scalar, inner);
}

/** A list given as repeated keys and/or comma-separated values (`?x=a&x=b,c`). */
export function qList() {
  return z.preprocess((value) => {
    if (value === undefined) return undefined;
    const parts = (Array.isArray(value) ? value : [value]).flatMap((v) =>
      typeof v === 'string' ? v.split(',') : [v],
    );
    return parts.map((p) => (typeof p === 'string' ? p.trim() : p)).filter((p) => p !== '');
  }, z.array(z.string()).optional());
}

/** An integer path id such as `config_id`; a non-integer is a 422 on ["path", name]. */
export const pathInt = () => qInt(z.number().int().min(1));

/** Body/query ids that arrive as numbers or numeric strings (the GTM tools type list ids as str). */
export const looseInt = () =>
  z.union([z.number().int().min(1), z.string().regex(/^\d{1,15}$/, 'Input should be a valid integer')]);
