/**
 * The audit trail's parts without sockets: what the argument summary keeps and masks, the
 * batched writer (retry after a failed write, the flush at close, waiting for calls in flight),
 * the SQLite store (org scoping, hourly counts, purge), and the query parser.
 */
import { describe, expect, it } from 'vitest';
import { AuditLog, type Who } from '../../src/audit/log.js';
import { parseAuditQuery, QueryValueError } from '../../src/audit/query.js';
import { type AuditRecord, summarizeArgs } from '../../src/audit/record.js';
import { openSqliteAuditStore } from '../../src/audit/sqlite-store.js';
import type { AuditStore } from '../../src/audit/store.js';
import type { AuditedCall } from '../../src/mcp/call-audit.js';
import { auditStoreContract } from '../helpers/audit-store-contract.js';

const silent = { info: () => {}, warn: () => {} };
const HOUR = 3_600_000;

function call(tool: string, at = Date.now(), outcome: AuditedCall['outcome'] = 'ok'): AuditedCall {
  return {
    kind: 'call',
    at,
    durationMs: 5,
    tool,
    tier: 'read',
    args: { limit: 1 },
    outcome,
    approval: 'not_gated',
  };
}

/** The store, written through, left open by the log's close() (the test reads it after). */
function keptOpen(store: AuditStore, seen: AuditRecord[] = []) {
  return {
    append: (records: readonly AuditRecord[]) => {
      seen.push(...records);
      return store.append(records);
    },
    close: async () => {},
  };
}

const who =
  (orgId: string): (() => Promise<Who>) =>
  async () => ({ principal: 'key:key_1', principalKind: 'api_key', keyId: 'key_1', user: null, orgId });

describe('summarizeArgs', () => {
  it('keeps numbers, booleans, ids and choices; masks free text, addresses and credentials', () => {
    const summary = JSON.parse(
      summarizeArgs({
        contact_id: 42,
        list_id: 'lst_8f2a',
        channel: 'email',
        to: 'ada@example.com',
        body: 'Hello Ada, about your contract…',
        first_name: 'Ada',
        dry_run: true,
        // Shaped like a key (the g8_ prefix masks it whatever the field), plainly not one.
        api_key_id: `g8_test_${'x'.repeat(24)}`,
        contact_ids: [1, 2, 3, 4, 5, 6, 7],
        filters: { title: 'CEO', company_id: 'cmp_1' },
      }),
    );
    expect(summary).toEqual({
      contact_id: 42,
      list_id: 'lst_8f2a',
      channel: 'email',
      to: '[15 chars]',
      body: '[31 chars]',
      first_name: '[3 chars]',
      dry_run: true,
      api_key_id: '[32 chars]',
      contact_ids: [1, 2, 3, 4, 5, '+2 more'],
      filters: { title: '[3 chars]', company_id: 'cmp_1' },
    });
  });

  it('stays short whatever the arguments', () => {
    const many = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`field_${i}`, i]));
    expect(summarizeArgs(many).length).toBeLessThanOrEqual(400);
  });
});

describe('AuditLog', () => {
  it('a failed write is kept and retried; close() writes what is still queued', async () => {
    const store = await openSqliteAuditStore(':memory:');
    let failures = 1;
    const flaky = {
      append: async (records: readonly AuditRecord[]) => {
        if (failures-- > 0) throw new Error('disk full');
        return store.append(records);
      },
      close: async () => {},
    };
    const warnings: string[] = [];
    const log = new AuditLog({
      store: flaky,
      logger: { ...silent, warn: (_o, m) => warnings.push(m) },
      flushMs: 5,
    });
    log.record(call('g8_a'), who('org_1'));
    await log.flush();
    expect(warnings).toEqual(['audit write failed; will retry']);
    expect(log.queued).toBe(1);
    log.record(call('g8_b'), who('org_1'));
    await log.close();
    const page = await store.query({ orgId: 'org_1' }, { limit: 10, offset: 0 });
    expect(page.records.map((r) => r.tool).sort()).toEqual(['g8_a', 'g8_b']);
    await store.close();
  });

  it('settle() waits for calls in flight; their records are written by close()', async () => {
    const store = await openSqliteAuditStore(':memory:');
    const log = new AuditLog({ store: keptOpen(store), logger: silent, flushMs: 60_000 });
    const end = log.begin();
    expect(log.inflight).toBe(1);
    setTimeout(() => end(call('g8_slow'), who('org_1')), 50);
    const started = Date.now();
    await log.settle(5_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    expect(log.inflight).toBe(0);
    await log.close();
    expect((await store.query({ orgId: 'org_1' }, { limit: 10, offset: 0 })).total).toBe(1);
    // settle() gives up after its time: a call that never ends cannot hold a shutdown.
    log.begin();
    const t = Date.now();
    await log.settle(30);
    expect(Date.now() - t).toBeLessThan(1_000);
    await store.close();
  });

  it('a GET /me that never answers does not hold the write: the record is kept without an org', async () => {
    const store = await openSqliteAuditStore(':memory:');
    const seen: AuditRecord[] = [];
    const log = new AuditLog({ store: keptOpen(store, seen), logger: silent, whoTimeoutMs: 20 });
    log.record(call('g8_a'), () => new Promise<Who>(() => {}));
    await log.flush();
    expect(seen).toMatchObject([{ tool: 'g8_a', orgId: null, principal: 'unknown' }]);
    await log.close();
    await store.close();
  });
});

describe('SQLite audit store', () => {
  it('reads one org only, newest first, with hourly counts; purge removes what is older', async () => {
    const store = await openSqliteAuditStore(':memory:');
    await auditStoreContract(store);
    await store.close();
  });
});

describe('parseAuditQuery', () => {
  const now = Date.parse('2026-12-06T12:00:00Z');
  it('reads spans, dates (to: the whole day) and ISO times', () => {
    expect(parseAuditQuery({ since: '24h' }, now).from).toBe(now - 24 * HOUR);
    const q = parseAuditQuery({ from: '2026-12-01', to: '2026-12-05', page: '2', limit: '10' }, now);
    expect(q).toMatchObject({
      from: Date.parse('2026-12-01T00:00:00Z'),
      to: Date.parse('2026-12-06T00:00:00Z'),
      page: 2,
      limit: 10,
    });
    expect(parseAuditQuery({ until: '2026-12-05T10:30:00Z' }, now).to).toBe(
      Date.parse('2026-12-05T10:30:00Z'),
    );
  });

  it('names the bad value', () => {
    expect(() => parseAuditQuery({ outcome: 'fine' }, now)).toThrow(
      /^outcome: expected one of ok, tool_error/,
    );
    expect(() => parseAuditQuery({ limit: '5000' }, now)).toThrow(QueryValueError);
    expect(() => parseAuditQuery({ since: 'last week' }, now)).toThrow(/^from: expected a date/);
  });
});
