/** Maps a validated input onto the REST request an `http` tool declares. */

import { pathParamProblem, pathParams } from '../api/path.js';
import type { HttpBinding, QueryValue, RestRequest, ToolSpec } from '../catalogue/types.js';

/** A composite tool's inputs that name a record (`id`, `…_id`): they end up in paths. */
const ID_FIELD = /(^|_)id$/;

/**
 * Inputs that would become a path segment no request can carry (`.`, `..`, empty, a lone
 * surrogate), checked before anything is sent: an http tool's path parameters, and the id fields
 * of a composite tool (buildPath refuses the rest, still before that request).
 */
export function pathParamIssues(
  spec: Pick<ToolSpec, 'http'>,
  input: Readonly<Record<string, unknown>>,
): { field: string; message: string }[] {
  const names = spec.http ? pathParams(spec.http.path) : Object.keys(input).filter((k) => ID_FIELD.test(k));
  const issues: { field: string; message: string }[] = [];
  for (const name of names) {
    const value = input[name];
    if (typeof value !== 'string' && typeof value !== 'number') continue;
    const problem = pathParamProblem(value);
    if (problem) issues.push({ field: name, message: problem });
  }
  return issues;
}

export function buildRestRequest(http: HttpBinding, input: Readonly<Record<string, unknown>>): RestRequest {
  const inPath = new Set(pathParams(http.path));
  const inQuery = new Set(http.query ?? []);
  const omitted = new Set(http.omit ?? []);
  const bodyless = http.method === 'GET' || http.method === 'DELETE';
  const params: Record<string, string | number> = {};
  const query: Record<string, QueryValue> = { ...http.constQuery };
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || omitted.has(key)) continue;
    if (inPath.has(key)) params[key] = value as string | number;
    else if (bodyless || inQuery.has(key)) query[key] = value as QueryValue;
    else body[key] = value;
  }
  const sendBody = !bodyless && !http.noBody;
  return {
    method: http.method,
    path: http.path,
    params,
    ...(Object.keys(query).length ? { query } : {}),
    ...(sendBody ? { body } : {}),
  };
}
