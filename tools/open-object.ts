import { z } from 'zod';

/** The escape-hatch field of every free-form object: its further keys as one JSON object string. */
export const EXTRA_JSON = 'extra_json';

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An object graph8 takes with any keys (step_data, CRM records, tech_stack, …). Its schema names
 * the keys the contract documents, so clients whose schema subset refuses an object without
 * `properties` (Gemini) accept it, and the model sees the usual keys. Two ways to send others:
 * as plain keys (they pass through: graph8 ignores keys it does not know) for clients that may
 * send undeclared keys, or in `extra_json`, a JSON object string merged in, for clients that send
 * only declared ones. A named key wins over the same key in `extra_json`.
 */
export function openObject<T extends z.ZodRawShape>(known: T, extraHint: string) {
  return z
    .looseObject({
      ...known,
      [EXTRA_JSON]: z.string().optional().describe(`${extraHint}: JSON object string`),
    })
    .transform((value, ctx) => {
      const { [EXTRA_JSON]: extra, ...rest } = value as Record<string, unknown>;
      if (extra === undefined) return rest;
      const parsed = typeof extra === 'string' ? parseObject(extra) : undefined;
      if (!parsed) {
        ctx.addIssue({
          code: 'custom',
          path: [EXTRA_JSON],
          message: 'expected a JSON object string, e.g. "{\\"key\\": \\"value\\"}"',
        });
        return z.NEVER;
      }
      return { ...parsed, ...rest };
    });
}
