/** Campaign input fields shared by create and both PATCH routes, with the limits of §2.7. */
import { z } from 'zod';
import { CHANNELS } from './schema.js';

export const plainFields = {
  name: z.string().trim().min(1).max(255),
  category: z.string().trim().min(1).max(100),
  brief: z.string().max(20_000),
  core_concept: z.string().max(5_000),
  primary_hook: z.string().max(5_000),
  target_persona: z.string().max(200),
  goal: z.string().max(255),
};
export type PlainKey = keyof typeof plainFields;
export const PLAIN_KEYS = Object.keys(plainFields) as PlainKey[];

/** Every plain field, optional (the PATCH bodies). */
export const optionalPlainFields = Object.fromEntries(
  PLAIN_KEYS.map((k) => [k, plainFields[k].optional()]),
) as {
  [K in PlainKey]: z.ZodOptional<(typeof plainFields)[K]>;
};

/** A target channel, case-insensitive. */
export const channelField = z.string().transform((s, ctx) => {
  const lower = s.trim().toLowerCase();
  const found = CHANNELS.find((c) => c === lower);
  if (!found) {
    ctx.addIssue({ code: 'custom', message: `Input should be one of ${CHANNELS.join(', ')}` });
    return z.NEVER;
  }
  return found;
});
