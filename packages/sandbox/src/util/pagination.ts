/**
 * page / limit / cursor handling shared by every paginated list (§1.4). Cursors are
 * base64url("o:" + offset), unpadded, exactly as the published ones decode; anything else is
 * rejected with the typed 400 so a client never silently restarts from page 1.
 */
import { HttpError, type Pagination, type SandboxRequest } from '../module.js';
import { queryInt, queryString } from './query.js';

export interface PageParams {
  readonly page: number;
  readonly limit: number;
  readonly offset: number;
}

export interface PageRule {
  /** Default page size (50 in the contract). */
  readonly defaultLimit?: number;
  /** Largest page size (200 in the contract). */
  readonly maxLimit?: number;
}

export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`, 'utf8').toString('base64url');
}

/** Offset carried by a cursor, or null when the cursor is not one this server minted. */
export function decodeCursor(cursor: string): number | null {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^o:(0|[1-9]\d{0,8})$/.exec(text);
  if (!match?.[1]) return null;
  // Non-canonical encodings (trailing bits, padding tricks) decode to the same text; refuse them
  // so one offset has exactly one cursor.
  if (encodeCursor(Number(match[1])) !== cursor) return null;
  return Number(match[1]);
}

export function pageParams(query: SandboxRequest['query'], rule: PageRule = {}): PageParams {
  const maxLimit = rule.maxLimit ?? 200;
  const limit = queryInt(query, 'limit', { min: 1, max: maxLimit }) ?? rule.defaultLimit ?? 50;
  const page = queryInt(query, 'page', { min: 1, max: 1_000_000 }) ?? 1;
  const cursor = queryString(query, 'cursor');
  if (cursor !== undefined) {
    const offset = decodeCursor(cursor);
    if (offset === null) {
      throw new HttpError(400, { type: 'bad_request', code: '400', detail: 'Invalid cursor' });
    }
    // The cursor wins over page; the page reported back is the one the offset falls on.
    return { page: Math.floor(offset / limit) + 1, limit, offset };
  }
  return { page, limit, offset: (page - 1) * limit };
}

export function pagination(params: PageParams, total: number): Pagination {
  const nextOffset = params.offset + params.limit;
  const hasNext = nextOffset < total;
  return {
    page: params.page,
    limit: params.limit,
    total,
    has_next: hasNext,
    next_cursor: hasNext ? encodeCursor(nextOffset) : null,
  };
}
