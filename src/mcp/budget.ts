/**
 * Response budget: a result too large for a model's context is cut to whole records — never
 * mid-JSON — and says so (`truncated: true`) with exactly how to fetch the rest. A cut page's
 * `pagination` is rewritten to describe what was returned (`has_next: true`, the page and size
 * that continue), so a model that reads only `pagination` does not stop short.
 */

export interface Truncation {
  truncated: true;
  returned: number;
  omitted: number;
  /** Arguments that fetch the records after the ones returned, when the page maths allows it. */
  continue_with?: Record<string, number>;
  hint: string;
}

interface Paging {
  page?: unknown;
  limit?: unknown;
}

/** The largest top-level array: list results keep their records under `items`. */
function largestArray(obj: Record<string, unknown>): string | undefined {
  let best: string | undefined;
  let size = -1;
  for (const [key, value] of Object.entries(obj)) {
    if (!Array.isArray(value) || value.length === 0) continue;
    const len = JSON.stringify(value).length;
    if (len > size) {
      size = len;
      best = key;
    }
  }
  return best;
}

/**
 * Largest divisor of `limit` that is ≤ `keep`: with it, the records kept are exactly one page of
 * that size, so "the next page" is an exact continuation rather than an overlap or a gap.
 */
function alignedPageSize(limit: number, keep: number): number {
  for (let k = Math.min(keep, limit); k > 1; k--) if (limit % k === 0) return k;
  return 1;
}

/**
 * `sizeArg` is the name of the tool's page-size argument (`limit`, or `page_size` for the inbox),
 * so the continuation can be passed back as it stands.
 */
export function fitToBudget(
  structured: Record<string, unknown>,
  maxChars: number,
  sizeArg = 'limit',
): Record<string, unknown> {
  if (JSON.stringify(structured).length <= maxChars) return structured;
  const key = largestArray(structured);
  if (!key) return truncateStrings(structured, maxChars);
  const all = structured[key] as unknown[];
  // Grow the kept prefix while it fits (records are measured once each).
  const overhead = JSON.stringify({ ...structured, [key]: [] }).length + 400;
  let used = overhead;
  let keep = 0;
  for (const record of all) {
    const size = JSON.stringify(record).length + 1;
    if (used + size > maxChars) break;
    used += size;
    keep++;
  }
  keep = Math.max(1, keep);
  const paging = (structured.pagination ?? {}) as Paging & Record<string, unknown>;
  let cont: { page: number; size: number } | undefined;
  let pagination: Record<string, unknown> | undefined;
  if (
    key === 'items' &&
    typeof paging.page === 'number' &&
    typeof paging.limit === 'number' &&
    keep < all.length
  ) {
    const size = alignedPageSize(paging.limit, keep);
    keep = size;
    const offset = (paging.page - 1) * paging.limit;
    cont = { page: offset / size + 2, size };
    // The page returned, in the smaller size: the next page of that size is the continuation. The
    // upstream cursor would skip the records cut here, so it is not passed on.
    const { next_cursor: _skips, ...rest } = paging;
    pagination = {
      ...rest,
      page: cont.page - 1,
      limit: size,
      has_next: true,
      continue_with: { page: cont.page, [sizeArg]: size },
    };
  }
  const truncation: Truncation = {
    truncated: true,
    returned: keep,
    omitted: all.length - keep,
    ...(cont ? { continue_with: { page: cont.page, [sizeArg]: cont.size } } : {}),
    hint: cont
      ? `Result cut to ${keep} whole records to fit the response budget; call again with page=${cont.page} and ${sizeArg}=${cont.size} for the next ones (pagination.continue_with).`
      : `Result cut to ${keep} whole records of ${key} to fit the response budget; narrow the request (filters or a smaller limit) to see the rest.`,
  };
  const cut = {
    ...structured,
    [key]: all.slice(0, keep),
    ...(pagination ? { pagination } : {}),
    truncated: true,
    truncation,
  };
  return JSON.stringify(cut).length <= maxChars ? cut : truncateStrings(cut, maxChars);
}

/** Last resort for a single huge record: shorten its long strings, keeping the JSON whole. */
function truncateStrings(value: Record<string, unknown>, maxChars: number): Record<string, unknown> {
  let limit = 2000;
  let out = value;
  while (JSON.stringify(out).length > maxChars && limit > 50) {
    out = shorten(value, limit) as Record<string, unknown>;
    limit = Math.floor(limit / 2);
  }
  return { ...out, truncated: true };
}

function shorten(node: unknown, limit: number): unknown {
  if (typeof node === 'string')
    return node.length > limit ? `${node.slice(0, limit)}… [${node.length - limit} more characters]` : node;
  if (Array.isArray(node)) return node.map((n) => shorten(n, limit));
  if (typeof node === 'object' && node !== null) {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, shorten(v, limit)]));
  }
  return node;
}
