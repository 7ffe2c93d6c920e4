/**
 * zod building blocks for query strings and path params, so every handler validates its whole
 * input with one `parse` call and a bad value is a 422 with the exact loc. Query values arrive as
 * strings (or arrays when repeated); these coerce the way FastAPI does and nothing more.
 */
import { z } from 'zod';

/** A repeated scalar parameter counts as its last value; an empty string counts as absent. */
function scalar(value: unknown): unknown {
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return last === '' ? undefined : last;
}

/** Integer from a query string; `inner` carries the range and the default. */
export function qInt<T extends z.ZodType>(inner: T) {
  return z.preprocess((value) => {
    const text = scalar(value);
    if (typeof text === 'string' && /^-?\d{1,15}$/.test(text.trim())) return Number(text.trim());
    return text;
  }, inner);
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** Boolean from a query string (`true/false/1/0/yes/no/on/off`, any case). */
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
