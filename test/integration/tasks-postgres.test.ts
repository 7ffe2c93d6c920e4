/**
 * Tasks on PostgreSQL (G8_DATABASE_URL), shared by replicas: two TaskServices on one real database
 * (this run's own) stand for two replicas. Any replica reads and cancels any task of its owner; a
 * task whose holder died (its lease lapsed) is taken over by exactly one replica, which follows it to
 * the end; a live lease is never stolen; a replica stopping lets its tasks go at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskService, type TaskWork } from '../../src/mcp/tasks/service.js';
import type { TaskRecord } from '../../src/mcp/tasks/store.js';
import { PostgresTaskStore } from '../../src/stores/pg-task-store.js';
import { openPostgres } from '../../src/stores/postgres.js';
import { type Engines, freshEngines } from '../helpers/engines.js';

const quiet = { error: () => {}, info: () => {} };
const done: TaskWork = async () => ({ content: [{ type: 'text', text: 'done' }] });
const forever: TaskWork = async ({ signal }) => {
  await sleep(120_000, undefined, { signal });
  return { content: [] };
};
const LEASE = 600;

describe('tasks on PostgreSQL, across replicas', () => {
  let engines: Engines;
  let pool: pg.Pool;
  const services: TaskService[] = [];
  const replica = (resume?: (r: TaskRecord) => TaskWork | undefined) => {
    const s = new TaskService({
      store: new PostgresTaskStore(pool),
      ttlMs: 60_000,
      maxPerCaller: 20,
      logger: quiet,
      leaseMs: LEASE,
      ...(resume ? { resume } : {}),
    });
    services.push(s);
    return s;
  };
  const newTask = (work = 'w') => ({ owner: 'key:a', tool: 't', work, args: {}, pollIntervalMs: 50 });

  beforeAll(async () => {
    engines = await freshEngines();
    pool = await openPostgres({ url: engines.databaseUrl, logger: { warn: () => {} } });
  });
  afterAll(async () => {
    for (const s of services) await s.close().catch(() => {});
    await pool?.end();
    await engines?.drop();
  });

  it('a task created on A is read on B, cancelled from B, and A stops it', async () => {
    const a = replica();
    const b = replica();
    await Promise.all([a.start(), b.start()]);
    const task = await a.create(newTask(), forever);
    expect((await b.get('key:a', task.id))?.status).toBe('working');
    expect(await b.get('key:b', task.id)).toBeUndefined();
    // B does not follow it, and A's lease is live: B asks, A sees it at its next renewal.
    await b.cancel('key:a', task.id);
    const end = await b.waitTerminal('key:a', task.id, AbortSignal.timeout(5_000));
    expect(end?.status).toBe('cancelled');
    await Promise.all([a.close(), b.close()]);
  });

  it('a task whose holder died is taken over by exactly one replica, and finishes', async () => {
    // What a replica killed mid-task leaves: an unfinished task with a lapsed lease.
    const store = new PostgresTaskStore(pool);
    const now = Date.now();
    const orphan: TaskRecord = {
      ...newTask('again'),
      id: `orphan-${now}`,
      baseKey: `orphan-${now}`,
      status: 'working',
      createdAt: now - 5_000,
      updatedAt: now - 5_000,
      leaseHolder: 'dead-replica',
      leaseUntil: now - 1,
    };
    await store.create(orphan);
    let resumed = 0;
    const resume = (r: TaskRecord) => {
      if (r.work !== 'again') return undefined;
      resumed += 1;
      return done;
    };
    const c = replica(resume);
    const d = replica(resume);
    await Promise.all([c.start(), d.start()]);
    const end = await c.waitTerminal('key:a', orphan.id, AbortSignal.timeout(5_000));
    expect(end?.status).toBe('completed');
    expect(resumed).toBe(1);
    await Promise.all([c.close(), d.close()]);
  });

  it('a live lease is not taken; a stopping replica lets its tasks go at once', async () => {
    const e = replica();
    await e.start();
    const task = await e.create(newTask('long'), forever);
    const store = new PostgresTaskStore(pool);
    expect(await store.claim(task.id, 'intruder', Date.now() + LEASE, Date.now())).toBe(false);
    expect(await store.orphans(Date.now())).not.toContainEqual(expect.objectContaining({ id: task.id }));
    await e.close();
    const left = await store.get(task.id);
    expect(left?.status).toBe('working');
    expect(left?.leaseUntil).toBe(0);
    expect((await store.orphans(Date.now())).map((t) => t.id)).toContain(task.id);
    let taken = 0;
    const f = replica(() => {
      taken += 1;
      return done;
    });
    await f.start();
    expect((await f.waitTerminal('key:a', task.id, AbortSignal.timeout(5_000)))?.status).toBe('completed');
    expect(taken).toBeGreaterThanOrEqual(1);
  });
});
