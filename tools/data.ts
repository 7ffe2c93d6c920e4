/** Small, total readers for the untyped `data` of REST results, used by composite tools. */

export type Obj = Readonly<Record<string, unknown>>;

export function asObj(value: unknown): Obj | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : undefined;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The entries of `input` named in `keys` whose value is not undefined. */
export function pickDefined(input: Obj, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (input[key] !== undefined) out[key] = input[key];
  }
  return out;
}

/** Names of the `keys` that carry a value in `input` (false/[] count as given). */
export function givenFields(input: Obj, keys: readonly string[]): string[] {
  return keys.filter((key) => input[key] !== undefined);
}
