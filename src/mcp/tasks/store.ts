/**
 * Where tasks are kept: an interface with an in-memory store (stdio: tasks live as long as the
 * process) and SQLite in the data directory (remote mode: tasks survive a restart). A record is one
 * JSON document plus the few columns the store must query on; the PostgreSQL store of the
 * shared-state issue implements the same interface.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';
import type { JobHandle, RestResult } from '../../catalogue/types.js';

export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set(['completed', 'failed', 'cancelled']);

export interface TaskRecord {
  readonly id: string;
  /** The caller it belongs to (`key:<hash>`, `grant:<id>`); anyone else is told it does not exist. */
  readonly owner: string;
  /** The tool as the caller named it, and which work resumes it after a restart (TaskWorks). */
  readonly tool: string;
  readonly work: string;
  readonly args: Readonly<Record<string, unknown>>;
  /** Idempotency-Key base of the call's POSTs: a restarted start is the same request to graph8. */
  readonly baseKey: string;
  readonly status: TaskStatus;
  readonly statusMessage?: string | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly finishedAt?: number | undefined;
  readonly pollIntervalMs: number;
  /** The start answer and the job it names, once started (a resumed task follows, never restarts). */
  readonly started?: RestResult | undefined;
  readonly handle?: JobHandle | null | undefined;
  readonly cancelRequested?: boolean | undefined;
  readonly result?: CallToolResult | undefined;
  readonly error?: { readonly code: number; readonly message: string } | undefined;
  /** The caller's upstream credential sealed for this task (remote API keys), to resume it. */
  readonly sealedCredential?: string | undefined;
  /**
   * Which server process follows the task, until when (epoch ms). It renews the lease while it
   * runs; once it lapses (the process died), any replica may take the task over.
   */
  readonly leaseHolder?: string | undefined;
  readonly leaseUntil?: number | undefined;
}

export type TaskPatch = Partial<
  Omit<TaskRecord, 'id' | 'owner' | 'tool' | 'work' | 'args' | 'baseKey' | 'createdAt'>
>;

export interface TaskStore {
  create(record: TaskRecord): Promise<void>;
  get(id: string): Promise<TaskRecord | undefined>;
  /** Applies the patch unless the task is already terminal (a terminal task never changes). */
  update(id: string, patch: TaskPatch): Promise<TaskRecord | undefined>;
  /** The owner's tasks, newest first, `limit` after the task `after` (2025 tasks/list). */
  list(owner: string, limit: number, after?: string): Promise<TaskRecord[]>;
  countActive(owner: string): Promise<number>;
  /** Tasks not yet terminal whose lease has lapsed at `now`: nobody follows them. */
  orphans(now: number): Promise<TaskRecord[]>;
  /**
   * Takes or renews the task's lease for `holder` until `until`, unless another holder's lease is
   * still live at `now` or the task is terminal; answers whether `holder` holds it. Atomic.
   */
  claim(id: string, holder: string, until: number, now: number): Promise<boolean>;
  /** Deletes terminal tasks finished before `before`; returns how many. */
  purge(before: number): Promise<number>;
  close(): Promise<void>;
}

export function applyPatch(record: TaskRecord, patch: TaskPatch): TaskRecord {
  return { ...record, ...patch };
}

/** The claim rule every store applies atomically (claim()). */
export function mayClaim(record: TaskRecord, holder: string, now: number): boolean {
  if (TERMINAL_STATUSES.has(record.status)) return false;
  return record.leaseHolder === holder || record.leaseUntil === undefined || record.leaseUntil <= now;
}

export function isOrphan(record: TaskRecord, now: number): boolean {
  return (
    !TERMINAL_STATUSES.has(record.status) && (record.leaseUntil === undefined || record.leaseUntil <= now)
  );
}

export class MemoryTaskStore implements TaskStore {
  readonly #tasks = new Map<string, TaskRecord>();

  async create(record: TaskRecord): Promise<void> {
    this.#tasks.set(record.id, record);
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    return this.#tasks.get(id);
  }

  async update(id: string, patch: TaskPatch): Promise<TaskRecord | undefined> {
    const current = this.#tasks.get(id);
    if (!current) return undefined;
    if (TERMINAL_STATUSES.has(current.status)) return current;
    const next = applyPatch(current, patch);
    this.#tasks.set(id, next);
    return next;
  }

  async list(owner: string, limit: number, after?: string): Promise<TaskRecord[]> {
    const mine = [...this.#tasks.values()].filter((t) => t.owner === owner).reverse();
    const from = after === undefined ? 0 : mine.findIndex((t) => t.id === after) + 1;
    return mine.slice(from, from + limit);
  }

  async countActive(owner: string): Promise<number> {
    let n = 0;
    for (const t of this.#tasks.values()) if (t.owner === owner && !TERMINAL_STATUSES.has(t.status)) n += 1;
    return n;
  }

  async orphans(now: number): Promise<TaskRecord[]> {
    return [...this.#tasks.values()].filter((t) => isOrphan(t, now));
  }

  async claim(id: string, holder: string, until: number, now: number): Promise<boolean> {
    const current = this.#tasks.get(id);
    if (!current || !mayClaim(current, holder, now)) return false;
    this.#tasks.set(id, { ...current, leaseHolder: holder, leaseUntil: until });
    return true;
  }

  async purge(before: number): Promise<number> {
    let n = 0;
    for (const [id, t] of this.#tasks) {
      if (t.finishedAt !== undefined && t.finishedAt < before) {
        this.#tasks.delete(id);
        n += 1;
      }
    }
    return n;
  }

  async close(): Promise<void> {}
}
