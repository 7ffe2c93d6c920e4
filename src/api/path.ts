import { UsageError } from '../platform/errors.js';

/** A path-parameter value that can never be sent: refused as an invalid argument. */
export class PathParamError extends UsageError {
  constructor(
    readonly param: string,
    readonly problem: string,
  ) {
    super(`${param}: ${problem}`);
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a value cannot be a path segment, if it cannot: empty (the route changes shape), `.` or
 * `..` (encoding leaves them as they are, and a normalising proxy would route elsewhere), or a
 * lone surrogate (no UTF-8 form).
 */
export function pathParamProblem(value: string | number): string | undefined {
  const text = String(value);
  if (text === '') return 'must not be empty';
  if (text === '.' || text === '..') return `must not be "${text}"`;
  if (LONE_SURROGATE.test(text)) return 'must not contain a lone surrogate (invalid Unicode)';
  return undefined;
}

/**
 * Fills `{name}` segments of a path template with percent-encoded values. Ids come from a model;
 * encoding them keeps `../` or `?` inside an id from ever changing which route is called, and
 * values that encoding cannot make safe are refused (pathParamProblem).
 */
export function buildPath(template: string, params: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{([a-zA-Z0-9_]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new PathParamError(name, 'missing path parameter');
    const problem = pathParamProblem(value);
    if (problem) throw new PathParamError(name, problem);
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
