/**
 * The filters of the /audit page and of GET /audit/records, read from a query string: tool,
 * outcome, client, a time range (`from`/`since`, `to`/`until`: an ISO date or time, or a span
 * back from now such as `30m`, `24h`, `7d`), and the page. A bad value is an error naming it.
 */

import { UsageError } from '../platform/errors.js';
import { CALL_OUTCOMES, type CallOutcome } from './outcomes.js';

export interface AuditQuery {
  readonly tool?: string | undefined;
  readonly outcome?: CallOutcome | undefined;
  readonly client?: string | undefined;
  readonly from?: number | undefined;
  readonly to?: number | undefined;
  readonly page: number;
  readonly limit: number;
}

export class QueryValueError extends UsageError {}

export const MAX_LIMIT = 200;
const SPAN = /^(\d{1,5})([mhd])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function one(query: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = query[name];
    const v = Array.isArray(value) ? value[0] : value;
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return undefined;
}

/**
 * A point in time: a span back from `now`, a date (its start in UTC; with `endOfDay`, the next
 * day's start, so `to=2026-12-06` includes that day), or an ISO date-time.
 */
export function parseTime(value: string, now: number, endOfDay = false): number | undefined {
  const span = SPAN.exec(value);
  if (span) return now - Number(span[1]) * UNIT_MS[span[2] as keyof typeof UNIT_MS];
  const ms = Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) return undefined;
  return DATE_ONLY.test(value) && endOfDay ? ms + UNIT_MS.d : ms;
}

function time(query: Record<string, unknown>, names: string[], now: number, endOfDay: boolean) {
  const value = one(query, ...names);
  if (value === undefined) return undefined;
  const ms = parseTime(value, now, endOfDay);
  if (ms === undefined) {
    throw new QueryValueError(
      `${names[0]}: expected a date (2026-12-06), an ISO time, or a span back from now (30m, 24h, 7d); got "${value.slice(0, 40)}"`,
    );
  }
  return ms;
}

function int(query: Record<string, unknown>, name: string, min: number, max: number, fallback: number) {
  const value = one(query, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new QueryValueError(`${name}: expected a whole number from ${min} to ${max}`);
  }
  return n;
}

export function parseAuditQuery(query: Record<string, unknown>, now: number, defaultLimit = 50): AuditQuery {
  const outcome = one(query, 'outcome');
  if (outcome !== undefined && !(CALL_OUTCOMES as readonly string[]).includes(outcome)) {
    throw new QueryValueError(`outcome: expected one of ${CALL_OUTCOMES.join(', ')}`);
  }
  const tool = one(query, 'tool');
  const client = one(query, 'client');
  if ((tool?.length ?? 0) > 100 || (client?.length ?? 0) > 100) {
    throw new QueryValueError('tool and client: at most 100 characters');
  }
  return {
    tool,
    outcome: outcome as CallOutcome | undefined,
    client,
    from: time(query, ['from', 'since'], now, false),
    to: time(query, ['to', 'until'], now, true),
    page: int(query, 'page', 1, 100_000, 1),
    limit: int(query, 'limit', 1, MAX_LIMIT, defaultLimit),
  };
}
