/**
 * What both SQL audit stores (SQLite, PostgreSQL) share: the row ↔ record mapping and the WHERE
 * clause of a filter, which is always scoped to one org. Only the placeholder syntax differs.
 */
import type { AuditRecord, snakeRecord } from './record.js';
import type { AuditFilter } from './store.js';

export type Row = ReturnType<typeof snakeRecord>;

export function fromRow(row: Row): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    kind: row.kind,
    orgId: row.org_id,
    principal: row.principal,
    principalKind: row.principal_kind,
    keyId: row.key_id,
    user: row.user,
    clientName: row.client_name,
    clientVersion: row.client_version,
    tool: row.tool,
    tier: row.tier,
    argsSummary: row.args_summary,
    argsSha256: row.args_sha256,
    outcome: row.outcome,
    httpStatus: row.http_status,
    requestId: row.request_id,
    durationMs: row.duration_ms,
    approval: row.approval,
    taskId: row.task_id,
  };
}

/** The WHERE clause of a filter and its parameters; `placeholder(n)` names the n-th (1-based). */
export function where(
  f: AuditFilter,
  placeholder: (n: number) => string,
): { sql: string; params: (string | number)[] } {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  const add = (column: string, op: string, value: string | number) => {
    params.push(value);
    parts.push(`${column} ${op} ${placeholder(params.length)}`);
  };
  add('org_id', '=', f.orgId);
  if (f.tool) add('tool', '=', f.tool);
  if (f.outcome) add('outcome', '=', f.outcome);
  if (f.client) add('client_name', '=', f.client);
  if (f.from !== undefined) add('at', '>=', f.from);
  if (f.to !== undefined) add('at', '<', f.to);
  return { sql: parts.join(' AND '), params };
}
