/**
 * What every AuditStore must do, run against each one (SQLite in test/unit/audit.test.ts, PostgreSQL
 * in test/integration/audit-postgres.test.ts): one org per read, newest first, filters, hourly
 * counts, facets, purge, and a record written twice kept once.
 */
import { expect } from 'vitest';
import type { AuditRecord } from '../../src/audit/record.js';
import type { AuditStore } from '../../src/audit/store.js';

const HOUR = 3_600_000;

export function auditRecord(id: string, orgId: string, at: number, tool = 'g8_search_contacts'): AuditRecord {
  return {
    id,
    at,
    kind: 'call',
    orgId,
    principal: 'key:k',
    principalKind: 'api_key',
    keyId: 'k',
    user: null,
    clientName: 'Claude Code',
    clientVersion: '2.0',
    tool,
    tier: 'read',
    argsSummary: '{}',
    argsSha256: '0'.repeat(64),
    outcome: id.endsWith('x') ? 'tool_error' : 'ok',
    httpStatus: 200,
    requestId: null,
    durationMs: 1,
    approval: 'not_gated',
    taskId: null,
  };
}

export async function auditStoreContract(store: AuditStore): Promise<void> {
  const now = Math.floor(Date.now() / HOUR) * HOUR;
  const batch = [
    auditRecord('a', 'org_1', now - 100 * 24 * HOUR),
    auditRecord('b', 'org_1', now - 2 * HOUR),
    auditRecord('cx', 'org_1', now - 2 * HOUR + 60_000, 'g8_get_contact'),
    auditRecord('d', 'org_1', now + 60_000),
    auditRecord('e', 'org_2', now),
  ];
  await store.append(batch);
  // A retried batch: nothing twice.
  await store.append(batch.slice(3));
  const page = await store.query({ orgId: 'org_1' }, { limit: 2, offset: 0 });
  expect(page.total).toBe(4);
  expect(page.records.map((r) => r.id)).toEqual(['d', 'cx']);
  expect(page.records[0]).toEqual(batch[3]);
  expect((await store.query({ orgId: 'org_1', tool: 'g8_get_contact' }, { limit: 9, offset: 0 })).total).toBe(
    1,
  );
  expect((await store.query({ orgId: 'org_2', tool: 'g8_get_contact' }, { limit: 9, offset: 0 })).total).toBe(
    0,
  );
  expect((await store.query({ orgId: 'org_1', outcome: 'tool_error' }, { limit: 9, offset: 0 })).total).toBe(
    1,
  );
  expect(await store.hourly({ orgId: 'org_1', from: now - 3 * HOUR })).toEqual([
    { hour: now - 2 * HOUR, outcome: 'ok', count: 1 },
    { hour: now - 2 * HOUR, outcome: 'tool_error', count: 1 },
    { hour: now, outcome: 'ok', count: 1 },
  ]);
  expect(await store.facets('org_1')).toEqual({
    tools: ['g8_get_contact', 'g8_search_contacts'],
    clients: ['Claude Code'],
  });
  expect(await store.purge(now - 90 * 24 * HOUR)).toBe(1);
  expect((await store.query({ orgId: 'org_1' }, { limit: 9, offset: 0 })).total).toBe(3);
}
