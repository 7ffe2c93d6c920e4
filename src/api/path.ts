/**
 * Fills `{name}` segments of a path template with percent-encoded values. Ids come from a model;
 * encoding them keeps `../` or `?` inside an id from ever changing which route is called.
 */
export function buildPath(template: string, params: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{([a-zA-Z0-9_]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
}

/** Names of the `{name}` segments, in order. */
export function pathParams(template: string): string[] {
  return [...template.matchAll(/\{([a-zA-Z0-9_]+)\}/g)].map((m) => m[1] as string);
}

export type QueryInput = Readonly<
  Record<string, string | number | boolean | readonly (string | number | boolean)[] | undefined | null>
>;

/** Query string with undefined/null dropped and arrays repeated (`tag=a&tag=b`). */
export function buildQuery(query: QueryInput | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) search.append(key, String(item));
    else search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
