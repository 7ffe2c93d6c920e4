/**
 * One audit record, and how a call's arguments become what the record keeps of them: a short
 * summary with every free-text value masked, and the SHA-256 of the exact arguments (canonical
 * JSON), so an auditor can prove which payload was sent without the trail holding the payload.
 */
import { createHash } from 'node:crypto';
import type { Tier } from '../catalogue/types.js';
import type { AuditedCall } from '../mcp/call-audit.js';
import { canonical } from '../mcp/confirmation.js';
import type { Approval, CallOutcome } from './outcomes.js';

export interface AuditRecord {
  readonly id: string;
  /** Epoch ms when the call began. */
  readonly at: number;
  readonly kind: AuditedCall['kind'];
  readonly orgId: string | null;
  /** `key:<graph8 api_key_id>`, `grant:<our OAuth grant id>`; never a credential. */
  readonly principal: string;
  readonly principalKind: 'api_key' | 'oauth';
  /** graph8's id of the API key behind the call (also under an OAuth grant made with a key). */
  readonly keyId: string | null;
  /** The graph8 user (personal key or graph8 sign-in), when graph8 names one. */
  readonly user: string | null;
  readonly clientName: string | null;
  readonly clientVersion: string | null;
  readonly tool: string;
  readonly tier: Tier;
  readonly argsSummary: string;
  readonly argsSha256: string;
  readonly outcome: CallOutcome;
  readonly httpStatus: number | null;
  readonly requestId: string | null;
  readonly durationMs: number;
  readonly approval: Approval;
  readonly taskId: string | null;
}

/** Field names whose short values are identifiers or choices, not personal data or prose. */
const PLAIN_FIELD =
  /(^|_)(id|ids|mode|status|channel|type|types|sort|order|page|page_size|limit|tier|action|scope|toolset|provider|platform|stage|format|kind|state|field|fields)$/;
const PLAIN_VALUE = /^[A-Za-z0-9_.:-]{1,64}$/;
// A credential pasted into an argument is masked whatever its field (api-contract §3).
const SECRET_VALUE = /^(g8_(live|test)_|g8at_|mcp_at_|eyJ)/;
const MAX_SUMMARY = 400;
const MAX_ITEMS = 5;
const MAX_DEPTH = 3;

function summarizeValue(field: string, value: unknown, depth: number): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (!SECRET_VALUE.test(value) && PLAIN_FIELD.test(field) && PLAIN_VALUE.test(value)) return value;
    return `[${value.length} chars]`;
  }
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return `[${value.length} items]`;
    const shown = value.slice(0, MAX_ITEMS).map((v) => summarizeValue(field, v, depth + 1));
    return value.length > MAX_ITEMS ? [...shown, `+${value.length - MAX_ITEMS} more`] : shown;
  }
  if (typeof value === 'object') {
    if (depth >= MAX_DEPTH) return '[object]';
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = summarizeValue(k, v, depth + 1);
    }
    return out;
  }
  return `[${typeof value}]`;
}

/** Numbers, booleans, ids and choices as given; any other string as its length only. */
export function summarizeArgs(args: Readonly<Record<string, unknown>>): string {
  const text = JSON.stringify(summarizeValue('', args, 0));
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY - 1)}…` : text;
}

export function argsSha256(args: Readonly<Record<string, unknown>>): string {
  return createHash('sha256').update(canonical(args)).digest('hex');
}

/** A record's fields by their snake_case names: the SQLite columns, and (with `time`) its JSON. */
export function snakeRecord(r: AuditRecord) {
  return {
    id: r.id,
    at: r.at,
    kind: r.kind,
    org_id: r.orgId,
    principal: r.principal,
    principal_kind: r.principalKind,
    key_id: r.keyId,
    user: r.user,
    client_name: r.clientName,
    client_version: r.clientVersion,
    tool: r.tool,
    tier: r.tier,
    args_summary: r.argsSummary,
    args_sha256: r.argsSha256,
    outcome: r.outcome,
    http_status: r.httpStatus,
    request_id: r.requestId,
    duration_ms: r.durationMs,
    approval: r.approval,
    task_id: r.taskId,
  };
}

/** A record as JSON (the JSON endpoint, `g8 audit --json`, stdio's G8_AUDIT_FILE lines). */
export function recordJson(r: AuditRecord): Record<string, unknown> {
  const { id, at, ...rest } = snakeRecord(r);
  return { id, time: new Date(at).toISOString(), ...rest };
}
