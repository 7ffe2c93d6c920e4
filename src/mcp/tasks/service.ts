/**
 * The task runtime: creates a task durably, runs its work in the background, keeps its status,
 * cancels it, waits for it, purges it after its TTL, and after a restart follows again what was
 * left unfinished. Protocol-free: src/mcp/tasks/wire.ts puts it on the wire of each era. The SDK
 * (server 2.4) ships no server-side task runtime; this module is kept apart so that one can
 * replace it when it does.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { ProtocolError } from '@modelcontextprotocol/server';
import type { JobHandle, RestResult } from '../../catalogue/types.js';
import { tasksRunning } from '../../ops/metrics.js';
import { type TaskPatch, type TaskRecord, type TaskStore, TERMINAL_STATUSES } from './store.js';

/** What a task's work gets: its cancellation, and how to record what it knows so far. */
export interface TaskControl {
  /** Aborted by tasks/cancel, and at shutdown (the task is then left for the next start). */
  readonly signal: AbortSignal;
  /** True once tasks/cancel asked for it (not at shutdown): then the work cancels upstream too. */
  cancelled(): boolean;
  /** The record as it was when the work (re)started: a resumed task finds its start answer here. */
  readonly record: TaskRecord;
  status(message: string): Promise<void>;
  /** Stores the start answer and the job it names, before following it (a restart resumes there). */
  started(started: RestResult, handle: JobHandle | undefined): Promise<void>;
}

/** The work of one task; its result is the tool's result. A thrown ProtocolError fails the task. */
export type TaskWork = (control: TaskControl) => Promise<CallToolResult>;

export interface NewTask {
  readonly owner: string;
  readonly tool: string;
  /** Names the work so that `resume` can rebuild it after a restart. */
  readonly work: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly baseKey?: string;
  readonly pollIntervalMs: number;
  readonly sealedCredential?: string | undefined;
}

export interface TaskServiceOptions {
  readonly store: TaskStore;
  /** How long a finished task stays readable (G8_TASK_TTL_SEC). */
  readonly ttlMs: number;
  /** Running tasks per caller (G8_MAX_TASKS_PER_CALLER). */
  readonly maxPerCaller: number;
  /** Rebuilds the work of an unfinished task after a restart; undefined: it cannot be resumed. */
  readonly resume?: (record: TaskRecord) => TaskWork | undefined;
  readonly logger: { error(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** The lease of a followed task (default 30 s); shorter in tests that watch a takeover. */
  readonly leaseMs?: number;
}

export class TaskLimitError extends Error {}

/** The abort reason at shutdown: the work stops here, and nothing is cancelled upstream. */
const SHUTDOWN = new Error('the server is stopping; the task resumes at the next start');
/** The abort reason when another process took the task over (this one lost its lease). */
const TAKEN_OVER = new Error('another server follows this task now');

/**
 * How long a task's lease lasts; its holder renews it (and looks for tasks whose holder died) three
 * times per lease, so a task left by a crashed process is taken over within about a lease.
 */
const LEASE_MS = 30_000;

export class TaskService {
  readonly #opts: TaskServiceOptions;
  readonly #running = new Map<string, AbortController>();
  readonly #events = new EventEmitter();
  /** This process among the replicas sharing a store. */
  readonly #holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  #closing = false;
  #purger: NodeJS.Timeout | undefined;
  #renewer: NodeJS.Timeout | undefined;
  readonly #leaseMs: number;

  constructor(opts: TaskServiceOptions) {
    this.#opts = opts;
    this.#leaseMs = opts.leaseMs ?? LEASE_MS;
    // Every waiting tasks/result and every 2025 session's status stream listens here.
    this.#events.setMaxListeners(0);
  }

  get ttlMs(): number {
    return this.#opts.ttlMs;
  }

  /** Stores the task before anything runs (a tasks/get right after the answer finds it), then starts it. */
  async create(task: NewTask, work: TaskWork): Promise<TaskRecord> {
    const active = await this.#opts.store.countActive(task.owner);
    if (active >= this.#opts.maxPerCaller) {
      throw new TaskLimitError(
        `${active} tasks of this caller are still running, the most allowed (G8_MAX_TASKS_PER_CALLER=${this.#opts.maxPerCaller}); nothing was started. Wait for one to finish (tasks/get) or cancel one (tasks/cancel), then call again.`,
      );
    }
    const id = randomUUID();
    const now = Date.now();
    const record: TaskRecord = {
      id,
      owner: task.owner,
      tool: task.tool,
      work: task.work,
      args: task.args,
      baseKey: task.baseKey ?? id,
      status: 'working',
      statusMessage: `${task.tool} started`,
      createdAt: now,
      updatedAt: now,
      pollIntervalMs: task.pollIntervalMs,
      sealedCredential: task.sealedCredential,
      leaseHolder: this.#holder,
      leaseUntil: now + this.#leaseMs,
    };
    await this.#opts.store.create(record);
    this.#run(record, work);
    return record;
  }

  /** The caller's task; another caller's, an unknown or an expired one is undefined alike. */
  async get(owner: string, id: string): Promise<TaskRecord | undefined> {
    const record = await this.#opts.store.get(id);
    if (!record || record.owner !== owner) return undefined;
    if (record.finishedAt !== undefined && record.finishedAt + this.#opts.ttlMs <= Date.now())
      return undefined;
    return record;
  }

  async list(owner: string, limit: number, after?: string): Promise<TaskRecord[]> {
    const now = Date.now();
    const page = await this.#opts.store.list(owner, limit, after);
    return page.filter((r) => r.finishedAt === undefined || r.finishedAt + this.#opts.ttlMs > now);
  }

  /** Asks the task to stop; the work cancels graph8's job where it can. Undefined: no such task. */
  async cancel(owner: string, id: string): Promise<TaskRecord | undefined> {
    const record = await this.get(owner, id);
    if (!record || TERMINAL_STATUSES.has(record.status)) return record;
    const running = this.#running.get(id);
    if (running) {
      await this.#patch(id, { cancelRequested: true });
      running.abort();
      return (await this.#opts.store.get(id)) ?? record;
    }
    // Another replica follows it: it sees the request at its next renewal and cancels there.
    if (record.leaseUntil !== undefined && record.leaseUntil > Date.now()) {
      return this.#patch(id, { cancelRequested: true });
    }
    // Nobody follows it (its holder died, or its work could not be resumed): end it here.
    return this.#patch(id, {
      status: 'cancelled',
      statusMessage: 'Cancelled by the client',
      cancelRequested: true,
      finishedAt: Date.now(),
    });
  }

  /** Resolves once the task is terminal (2025 tasks/result), or rejects when `signal` aborts. */
  async waitTerminal(owner: string, id: string, signal?: AbortSignal): Promise<TaskRecord | undefined> {
    for (;;) {
      const record = await this.get(owner, id);
      if (!record || TERMINAL_STATUSES.has(record.status)) return record;
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          this.#events.off(id, done);
          signal?.removeEventListener('abort', aborted);
          resolve();
        };
        const aborted = () => {
          this.#events.off(id, done);
          reject(signal?.reason);
        };
        this.#events.on(id, done);
        signal?.addEventListener('abort', aborted, { once: true });
        // A record changed by another process is not announced here: look again now and then.
        setTimeout(done, record.pollIntervalMs).unref();
      });
    }
  }

  /** Calls `listener` with every change of the task until it is terminal; returns the unsubscribe. */
  watch(id: string, listener: (record: TaskRecord) => void): () => void {
    const relay = async () => {
      const record = await this.#opts.store.get(id);
      if (record) listener(record);
      if (!record || TERMINAL_STATUSES.has(record.status)) this.#events.off(id, relay);
    };
    this.#events.on(id, relay);
    return () => this.#events.off(id, relay);
  }

  /**
   * At start, and then every few seconds: takes over the unfinished tasks nobody follows (left by
   * a restart, or by a replica that died) and follows them again; renews the leases of the tasks
   * followed here; purges expired ones every minute.
   */
  async start(): Promise<void> {
    await this.#adoptOrphans();
    await this.purge();
    this.#purger = setInterval(() => void this.purge().catch(() => {}), 60_000).unref();
    this.#renewer = setInterval(() => void this.#renew().catch(() => {}), this.#leaseMs / 3).unref();
  }

  async #adoptOrphans(): Promise<void> {
    const now = Date.now();
    for (const record of await this.#opts.store.orphans(now)) {
      if (this.#running.has(record.id)) continue;
      // Another replica may be adopting it at this very moment: the claim decides.
      if (!(await this.#opts.store.claim(record.id, this.#holder, now + this.#leaseMs, now))) continue;
      const work = this.#opts.resume?.(record);
      if (work) {
        this.#opts.logger.info({ task: record.id, tool: record.tool }, 'resuming task');
        this.#run(record, work);
        continue;
      }
      await this.#patch(record.id, {
        status: 'failed',
        statusMessage: 'The server restarted and could not resume this task',
        error: { code: -32603, message: 'The server restarted and could not resume this task' },
        finishedAt: Date.now(),
      });
    }
  }

  /** Keeps the leases of the tasks followed here; stops one that was taken over or cancelled elsewhere. */
  async #renew(): Promise<void> {
    const now = Date.now();
    for (const [id, controller] of this.#running) {
      if (!(await this.#opts.store.claim(id, this.#holder, now + this.#leaseMs, now))) {
        controller.abort(TAKEN_OVER);
        continue;
      }
      if ((await this.#opts.store.get(id))?.cancelRequested) controller.abort();
    }
    await this.#adoptOrphans();
  }

  async purge(): Promise<number> {
    return this.#opts.store.purge(Date.now() - this.#opts.ttlMs);
  }

  /** Stops following (the tasks stay unfinished in the store: the next start resumes them). */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#purger) clearInterval(this.#purger);
    if (this.#renewer) clearInterval(this.#renewer);
    const ids = [...this.#running.keys()];
    for (const controller of this.#running.values()) controller.abort(SHUTDOWN);
    this.#running.clear();
    // Let go at once, so the next process (or another replica) need not wait for the leases to lapse.
    await Promise.all(
      ids.map((id) => this.#opts.store.claim(id, this.#holder, 0, Date.now()).catch(() => false)),
    );
    await this.#opts.store.close();
  }

  /** Remaining lifetime from creation, in the spec's terms: a running task never expires. */
  ttlFor(record: TaskRecord, now = Date.now()): number {
    const end = record.finishedAt ?? now;
    return Math.max(1, Math.round(end - record.createdAt + this.#opts.ttlMs));
  }

  async #patch(id: string, patch: TaskPatch): Promise<TaskRecord | undefined> {
    const next = await this.#opts.store.update(id, { ...patch, updatedAt: Date.now() });
    this.#events.emit(id);
    // Asked to stop elsewhere (another replica's tasks/cancel): stop here too.
    if (next?.cancelRequested) this.#running.get(id)?.abort();
    return next;
  }

  #run(record: TaskRecord, work: TaskWork): void {
    const controller = new AbortController();
    this.#running.set(record.id, controller);
    const control: TaskControl = {
      signal: controller.signal,
      cancelled: () =>
        controller.signal.aborted &&
        controller.signal.reason !== SHUTDOWN &&
        controller.signal.reason !== TAKEN_OVER,
      record,
      status: async (message) => {
        await this.#patch(record.id, { statusMessage: message });
      },
      started: async (started, handle) => {
        await this.#patch(record.id, { started, handle: handle ?? null });
      },
    };
    // After the answer that created the task is on its way.
    setImmediate(() => void this.#execute(record, work, control, controller));
  }

  async #execute(record: TaskRecord, work: TaskWork, control: TaskControl, controller: AbortController) {
    tasksRunning.inc();
    try {
      const result = await work(control);
      await this.#finish(record.id, {
        status: 'completed',
        result,
        statusMessage: summaryOf(record.tool, result),
      });
    } catch (error) {
      if (this.#closing || controller.signal.reason === TAKEN_OVER) return;
      if (controller.signal.aborted) {
        const now = await this.#opts.store.get(record.id);
        await this.#finish(record.id, {
          status: 'cancelled',
          statusMessage: now?.statusMessage?.startsWith('Cancelled')
            ? now.statusMessage
            : 'Cancelled by the client',
        });
      } else if (error instanceof ProtocolError) {
        await this.#finish(record.id, {
          status: 'failed',
          statusMessage: error.message,
          error: { code: error.code, message: error.message },
        });
      } else {
        this.#opts.logger.error({ task: record.id, tool: record.tool, err: error }, 'task crashed');
        await this.#finish(record.id, {
          status: 'failed',
          statusMessage: 'Internal error',
          error: { code: -32603, message: 'Internal error' },
        });
      }
    } finally {
      this.#running.delete(record.id);
      tasksRunning.dec();
    }
  }

  async #finish(id: string, patch: TaskPatch): Promise<void> {
    try {
      // The sealed credential is only there to resume the task: a finished one keeps none.
      await this.#patch(id, { ...patch, finishedAt: Date.now(), sealedCredential: undefined });
    } catch (error) {
      this.#opts.logger.error({ task: id, err: error }, 'could not store a finished task');
    }
  }
}

function summaryOf(tool: string, result: CallToolResult): string {
  return result.isError ? `${tool} finished with an error (see result)` : `${tool} finished`;
}
