/**
 * The value kinds a setting can have, as zod schemas over the text of an environment variable or
 * a flag. Defined once so every setting of a kind parses, and says what it expected, alike.
 */
import { z } from 'zod';

/** A comma list; blanks dropped. */
export const list = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .optional();

const TRUE = ['true', '1', 'yes'];
const FALSE = ['', 'false', '0', 'no'];

/** true/false, 1/0, yes/no (any case); a bare switch flag reads as true. */
export const bool = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .refine((s) => TRUE.includes(s) || FALSE.includes(s), 'expected true or false')
  .transform((s) => TRUE.includes(s))
  .optional();

/** A whole number within bounds, with a default. */
export function int(min: number, max: number, fallback: number) {
  return z.coerce.number().int().min(min).max(max).default(fallback);
}

/** A whole number within bounds, absent unless given. */
export function optionalInt(min: number, max: number) {
  return z.coerce.number().int().min(min).max(max).optional();
}

export const httpUrl = z.url({ protocol: /^https?$/ });

/** One of `values`, naming them all when it is something else. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `expected one of ${values.join(', ')}` });
}
