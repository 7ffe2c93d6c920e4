/**
 * The audit trail on PostgreSQL (G8_DATABASE_URL), on this run's own database: the same contract as
 * audit.db, and two replicas appending to one trail that either reads whole.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresAuditStore } from '../../src/stores/pg-audit-store.js';
import { openPostgres } from '../../src/stores/postgres.js';
import { auditRecord, auditStoreContract } from '../helpers/audit-store-contract.js';
import { type Engines, freshEngines } from '../helpers/engines.js';

describe('the PostgreSQL audit store', () => {
  let engines: Engines;
  let pool: pg.Pool;

  beforeAll(async () => {
    engines = await freshEngines();
    pool = await openPostgres({ url: engines.databaseUrl, logger: { warn: () => {} } });
  });
  afterAll(async () => {
    await pool?.end();
    await engines?.drop();
  });

  it('keeps the AuditStore contract', async () => {
    await auditStoreContract(new PostgresAuditStore(pool));
  });

  it('two replicas append to one trail; either reads all of it', async () => {
    const a = new PostgresAuditStore(pool);
    const b = new PostgresAuditStore(pool);
    const at = Date.now();
    await Promise.all([
      a.append(Array.from({ length: 50 }, (_, i) => auditRecord(`ra${i}`, 'org_r', at + i))),
      b.append(Array.from({ length: 50 }, (_, i) => auditRecord(`rb${i}`, 'org_r', at + i))),
    ]);
    expect((await a.query({ orgId: 'org_r' }, { limit: 1, offset: 0 })).total).toBe(100);
    expect((await b.query({ orgId: 'org_r' }, { limit: 1, offset: 0 })).total).toBe(100);
  });
});
