/**
 * The batched writer between the call path and the store. `record` only queues (the call's
 * answer never waits for the disk); a timer writes the queue in batches, one transaction each.
 * Who the caller is (org, key id, user: GET /me, shared and cached by identity.ts) is asked for
 * when the record is queued and awaited only at write time, never on the request's path. `close`
 * writes everything still queued: a clean shutdown (SIGTERM) loses nothing.
 *
 * A queued record is already what will be written (strings and numbers, the arguments summarised
 * and hashed) plus the pending answer of who: it keeps nothing of its request alive. Records wait
 * up to `flushMs`, long enough under load to outlive a few young-generation GCs; records that held
 * the call's arguments and its request's closures kept all that alive with them, which cost 5% more
 * server CPU per call (a paired A/B of the HTTP bench's 2026-07-28 load).
 */
import { randomUUID } from 'node:crypto';
import type { AuditedCall } from '../mcp/call-audit.js';
import { type AuditRecord, argsSha256, summarizeArgs } from './record.js';
import type { AuditSinkStore } from './store.js';

/** Who made a call, as the record names them. */
export interface Who {
  readonly principal: string;
  readonly principalKind: AuditRecord['principalKind'];
  readonly keyId: string | null;
  readonly user: string | null;
  readonly orgId: string | null;
}

export interface AuditLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface AuditLogOptions {
  readonly store: AuditSinkStore;
  readonly logger: AuditLogger;
  /** How long a record may wait in the queue before a write. */
  readonly flushMs?: number;
  /** Records per write (one transaction). */
  readonly batch?: number;
  /** Queued records beyond this are dropped, oldest first, with a warning (the store is failing). */
  readonly maxQueued?: number;
  /** How long a write waits for GET /me before writing what it knows (the principal, no org). */
  readonly whoTimeoutMs?: number;
}

type WhoFields = 'orgId' | 'principal' | 'principalKind' | 'keyId' | 'user';

interface Queued {
  readonly fields: Omit<AuditRecord, WhoFields>;
  readonly who: Promise<Who | undefined>;
}

function ask(who: () => Promise<Who>): Promise<Who | undefined> {
  try {
    return who().catch(() => undefined);
  } catch {
    return Promise.resolve(undefined);
  }
}

function fieldsOf(call: AuditedCall): Omit<AuditRecord, WhoFields> {
  return {
    id: randomUUID(),
    at: call.at,
    kind: call.kind,
    clientName: call.client?.name?.slice(0, 100) ?? null,
    clientVersion: call.client?.version?.slice(0, 50) ?? null,
    tool: call.tool,
    tier: call.tier,
    argsSummary: summarizeArgs(call.args),
    argsSha256: argsSha256(call.args),
    outcome: call.outcome,
    httpStatus: call.status ? call.status : null,
    requestId: call.requestId ?? null,
    durationMs: call.durationMs,
    approval: call.approval,
    taskId: call.taskId ?? null,
  };
}

/** A failed write is retried after this long (the store may be out of space or locked). */
const RETRY_MS = 5_000;

/**
 * One deadline for a whole batch: a timer per record (thousands a second under load) cost more
 * CPU than the rest of the audit together.
 */
function deadline(ms: number): { late: Promise<undefined>; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return { late, clear: () => clearTimeout(timer) };
}

export class AuditLog {
  readonly #store: AuditSinkStore;
  readonly #logger: AuditLogger;
  readonly #flushMs: number;
  readonly #batch: number;
  readonly #maxQueued: number;
  readonly #whoTimeoutMs: number;
  #queue: Queued[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #closed = false;
  #inflight = 0;
  #written = 0;
  #idle: (() => void)[] = [];

  constructor(options: AuditLogOptions) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#flushMs = options.flushMs ?? 250;
    this.#batch = options.batch ?? 500;
    this.#maxQueued = options.maxQueued ?? 100_000;
    this.#whoTimeoutMs = options.whoTimeoutMs ?? 5_000;
  }

  /** Records waiting to be written. */
  get queued(): number {
    return this.#queue.length;
  }

  /** A call begins: `settle` waits for it. The function returned queues its record. */
  begin(): (call: AuditedCall, who: () => Promise<Who>) => void {
    this.#inflight++;
    let ended = false;
    return (call, who) => {
      if (ended) return;
      ended = true;
      this.record(call, who);
      if (--this.#inflight === 0) for (const wake of this.#idle.splice(0)) wake();
    };
  }

  /** Calls in flight. */
  get inflight(): number {
    return this.#inflight;
  }

  /** Waits until no call is in flight, or `ms` passed (shutdown: let calls finish and be recorded). */
  async settle(ms: number): Promise<void> {
    if (this.#inflight === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.#idle.push(resolve);
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
  }

  /** Queues one record; returns at once. */
  record(call: AuditedCall, who: () => Promise<Who>): void {
    if (this.#queue.length >= this.#maxQueued) {
      this.#queue.shift();
      this.#logger.warn({ queued: this.#queue.length }, 'audit queue full: the oldest record was dropped');
    }
    this.#queue.push({ fields: fieldsOf(call), who: ask(who) });
    this.#schedule(this.#flushMs);
  }

  // After close no timer is set: a call still finishing during shutdown is written by close().
  #schedule(ms: number): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, ms);
  }

  /** Writes everything queued so far (waits for a write already running). */
  flush(): Promise<void> {
    this.#writing ??= this.#drain()
      .then((ok) => {
        // Queued while the last batch was being written, or kept after a failed write.
        if (this.#queue.length) this.#schedule(ok ? this.#flushMs : RETRY_MS);
      })
      .finally(() => {
        this.#writing = undefined;
      });
    return this.#writing;
  }

  async #drain(): Promise<boolean> {
    while (this.#queue.length) {
      const batch = this.#queue.splice(0, this.#batch);
      const wait = deadline(this.#whoTimeoutMs);
      const records = await Promise.all(batch.map((q) => this.#toRecord(q, wait.late)));
      wait.clear();
      try {
        await this.#store.append(records);
        this.#written += records.length;
      } catch (error) {
        // Kept for the next write, in order; the store may come back (disk full, locked).
        this.#queue.unshift(...batch);
        this.#logger.warn(
          { err: error instanceof Error ? error.message : String(error), queued: this.#queue.length },
          'audit write failed; will retry',
        );
        return false;
      }
    }
    return true;
  }

  async #toRecord(q: Queued, late: Promise<undefined>): Promise<AuditRecord> {
    const who = await Promise.race([q.who, late]);
    return {
      ...q.fields,
      orgId: who?.orgId ?? null,
      principal: who?.principal ?? 'unknown',
      principalKind: who?.principalKind ?? 'api_key',
      keyId: who?.keyId ?? null,
      user: who?.user ?? null,
    };
  }

  /** Writes what is queued, then closes the store. Records arriving meanwhile are written too. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const before = this.#written;
    for (let pass = 0; pass < 3 && (this.#queue.length || this.#writing); pass++) await this.flush();
    if (this.#queue.length) {
      this.#logger.warn({ lost: this.#queue.length }, 'audit records could not be written before shutdown');
    } else {
      this.#logger.info({ written: this.#written - before }, 'audit trail flushed at shutdown');
    }
    await this.#store.close();
  }
}
