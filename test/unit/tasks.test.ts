/**
 * The task runtime on its own (src/mcp/tasks/service.ts) over both embedded stores: ownership,
 * the terminal-state rule, cancellation of running work, the TTL and its purge, resumption after a
 * restart (and a task nothing can resume), and the per-caller cap.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProtocolError } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { TaskLimitError, TaskService, type TaskWork } from '../../src/mcp/tasks/service.js';
import { openSqliteTaskStore } from '../../src/mcp/tasks/sqlite-store.js';
import { MemoryTaskStore, type TaskStore } from '../../src/mcp/tasks/store.js';

const quiet = { error: () => {}, info: () => {} };
const done: TaskWork = async () => ({ content: [{ type: 'text', text: 'done' }] });
const forever: TaskWork = async ({ signal }) => {
  await sleep(60_000, undefined, { signal });
  return { content: [] };
};
const newTask = (owner = 'key:a') => ({ owner, tool: 't', work: 't', args: { n: 1 }, pollIntervalMs: 50 });

async function settled(tasks: TaskService, owner: string, id: string) {
  return tasks.waitTerminal(owner, id, AbortSignal.timeout(5000));
}

/** Each store kind, opened in `dir` (reopening the same dir is a restarted process's view). */
const memoryStores = new Map<string, MemoryTaskStore>();
const kinds: [string, (dir: string) => Promise<TaskStore>][] = [
  [
    'memory',
    async (dir) => {
      const store = memoryStores.get(dir) ?? new MemoryTaskStore();
      memoryStores.set(dir, store);
      return store;
    },
  ],
  ['sqlite', (dir) => openSqliteTaskStore(dir)],
];

for (const [name, openIn] of kinds) {
  const open = () => openIn(mkdtempSync(join(tmpdir(), 'g8-task-store-')));
  describe(`TaskService over the ${name} store`, () => {
    const service = async (o: { ttlMs?: number; max?: number; store?: TaskStore } = {}) =>
      new TaskService({
        store: o.store ?? (await open()),
        ttlMs: o.ttlMs ?? 60_000,
        maxPerCaller: o.max ?? 5,
        logger: quiet,
      });

    it('runs the work in the background and keeps its result; another owner finds nothing', async () => {
      const tasks = await service();
      const record = await tasks.create(newTask(), done);
      expect(record.status).toBe('working');
      expect((await tasks.get('key:a', record.id))?.status).toBeDefined();
      const end = await settled(tasks, 'key:a', record.id);
      expect(end).toMatchObject({ status: 'completed', result: { content: [{ text: 'done' }] } });
      expect(await tasks.get('key:b', record.id)).toBeUndefined();
      expect(await tasks.cancel('key:b', record.id)).toBeUndefined();
    });

    it('a thrown ProtocolError fails the task with its code; a crash is an internal error', async () => {
      const tasks = await service();
      const broken = await tasks.create(newTask(), async () => {
        throw new ProtocolError(-32603, 'broke');
      });
      expect(await settled(tasks, 'key:a', broken.id)).toMatchObject({
        status: 'failed',
        error: { code: -32603, message: 'broke' },
      });
      const crashed = await tasks.create(newTask(), async () => {
        throw new TypeError('x is undefined');
      });
      const end = await settled(tasks, 'key:a', crashed.id);
      expect(end?.error).toEqual({ code: -32603, message: 'Internal error' });
    });

    it('cancel stops running work; a terminal task never changes again', async () => {
      const tasks = await service();
      const record = await tasks.create(newTask(), forever);
      await sleep(20);
      await tasks.cancel('key:a', record.id);
      const end = await settled(tasks, 'key:a', record.id);
      expect(end?.status).toBe('cancelled');
      expect((await tasks.cancel('key:a', record.id))?.status).toBe('cancelled');
    });

    it('refuses a task beyond the per-caller cap, counting only running ones', async () => {
      const tasks = await service({ max: 1 });
      const first = await tasks.create(newTask(), forever);
      await expect(tasks.create(newTask(), done)).rejects.toBeInstanceOf(TaskLimitError);
      await expect(tasks.create(newTask('key:other'), done)).resolves.toBeDefined();
      await tasks.cancel('key:a', first.id);
      await settled(tasks, 'key:a', first.id);
      await expect(tasks.create(newTask(), done)).resolves.toBeDefined();
    });

    it('a finished task is readable for the TTL, then gone and purged', async () => {
      const store = await open();
      const tasks = await service({ ttlMs: 150, store });
      const record = await tasks.create(newTask(), done);
      const end = await settled(tasks, 'key:a', record.id);
      expect(tasks.ttlFor(end!)).toBeGreaterThanOrEqual(150);
      await sleep(200);
      expect(await tasks.get('key:a', record.id)).toBeUndefined();
      expect(await tasks.purge()).toBe(1);
      expect(await store.get(record.id)).toBeUndefined();
    });

    it('after a restart, unfinished tasks resume; one that cannot be resumed fails', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'g8-task-store-'));
      const before = new TaskService({
        store: await openIn(dir),
        ttlMs: 60_000,
        maxPerCaller: 5,
        logger: quiet,
      });
      const resumable = await before.create({ ...newTask(), work: 'again' }, forever);
      const orphan = await before.create({ ...newTask(), work: 'gone' }, forever);
      // Stopping leaves both unfinished in the store, for the next start.
      await before.close();
      const after = new TaskService({
        store: await openIn(dir),
        ttlMs: 60_000,
        maxPerCaller: 5,
        logger: quiet,
        resume: (r) => (r.work === 'again' ? done : undefined),
      });
      await after.start();
      expect((await settled(after, 'key:a', resumable.id))?.status).toBe('completed');
      expect(await after.get('key:a', orphan.id)).toMatchObject({
        status: 'failed',
        error: { code: -32603 },
      });
      await after.close();
    });
  });
}
