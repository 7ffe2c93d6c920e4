/**
 * Input JSON Schemas converted ahead of time, keyed by definition.ts `schemaKey`. Here: none, so
 * they are converted from the zod specs on first use. scripts/bundle.mjs replaces this module in
 * the bundled bin with the conversions of the very source it bundles, in the same step, so the two
 * cannot disagree; nothing else reads or writes a schema artefact.
 */
export const PREBUILT_SCHEMAS: Readonly<Record<string, unknown>> | undefined = undefined;
