/** Maps a validated input onto the REST request an `http` tool declares. */

import { pathParams } from '../api/path.js';
import type { HttpBinding, QueryValue, RestRequest } from '../catalogue/types.js';

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
