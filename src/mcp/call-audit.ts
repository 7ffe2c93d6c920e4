/**
 * What the audit trail (src/audit) learns of a tool call, and the one hook through which it
 * learns it. The call path only fills a CallNote as it decides (how the call was approved, how
 * it ended, graph8's status and request id); `audited` records it once the call is over. The sink
 * must return at once: writing happens off the request's path.
 */

import type { Approval, CallOutcome } from '../audit/outcomes.js';
import type { Tier } from '../catalogue/types.js';
import type { TaskService } from './tasks/service.js';
import { type TaskRecord, TERMINAL_STATUSES } from './tasks/store.js';

export type { Approval, CallOutcome };

export interface ClientInfo {
  readonly name?: string | undefined;
  readonly version?: string | undefined;
}

/** Filled by the call path as it goes (call.ts); read once when the call is over. */
export interface CallNote {
  approval: Approval;
  outcome?: CallOutcome;
  status?: number;
  requestId?: string;
  taskId?: string;
}

/** One record's worth: a tool call, a confirmation decision taken elsewhere, or a task's end. */
export interface AuditedCall {
  readonly kind: 'call' | 'decision' | 'task';
  /** Epoch ms when it began. */
  readonly at: number;
  readonly durationMs: number;
  readonly tool: string;
  readonly tier: Tier;
  /** The arguments as the client sent them; the sink keeps only a redacted summary and a hash. */
  readonly args: Readonly<Record<string, unknown>>;
  readonly outcome: CallOutcome;
  readonly approval: Approval;
  readonly status?: number | undefined;
  readonly requestId?: string | undefined;
  readonly client?: ClientInfo | undefined;
  /** For `task` records: the MCP task whose final outcome this is. */
  readonly taskId?: string | undefined;
}

/** Bound to one caller (who, which org): remote mode per principal, stdio per process. */
export interface CallAudit {
  /** A call begins; the function returned records it when it ends (shutdown waits for it). */
  begin(): (entry: AuditedCall) => void;
  /** A record of something that is not a call in flight: a decision, a task's end. */
  record(entry: AuditedCall): void;
}

/** Sets what the call path learned, when a note is being kept. */
export function mark(note: CallNote | undefined, fields: Partial<CallNote>): void {
  if (note) Object.assign(note, fields);
}

function thrown(signal: AbortSignal | undefined): CallOutcome {
  return signal?.aborted ? 'cancelled' : 'refused';
}

function isError(result: object): boolean {
  return (result as { isError?: unknown }).isError === true;
}

export interface AuditedTool {
  readonly name: string;
  readonly tier: Tier;
}

/**
 * Runs one tool call and records it (when there is a sink). A call that throws (a protocol error
 * such as the missing elicitation capability under strict) was refused; one that ends without an
 * outcome in its note ended as its result says.
 */
export async function audited<T extends object>(
  audit: CallAudit | undefined,
  call: {
    tool: AuditedTool;
    args: Readonly<Record<string, unknown>>;
    client?: ClientInfo | undefined;
    /** The request's cancellation: a call that throws once it is aborted was cancelled. */
    signal?: AbortSignal | undefined;
  },
  body: (note: CallNote | undefined) => Promise<T>,
): Promise<T> {
  if (!audit) return body(undefined);
  const end = audit.begin();
  const note: CallNote = { approval: 'not_gated' };
  const at = Date.now();
  const started = performance.now();
  let result: T | undefined;
  try {
    result = await body(note);
    return result;
  } finally {
    end({
      kind: 'call',
      at,
      durationMs: Math.round(performance.now() - started),
      tool: call.tool.name,
      tier: call.tool.tier,
      args: call.args,
      outcome:
        note.outcome ?? (result === undefined ? thrown(call.signal) : isError(result) ? 'tool_error' : 'ok'),
      approval: note.approval,
      status: note.status,
      requestId: note.requestId,
      client: call.client,
      taskId: note.taskId,
    });
  }
}

/**
 * The record of a task's end, for the task runtime to call when a task it started for a call
 * finishes (the call itself was recorded as `task_created`, with the same task id).
 */
export function recordTaskEnd(
  audit: CallAudit | undefined,
  task: {
    readonly id: string;
    readonly tool: AuditedTool;
    readonly args: Readonly<Record<string, unknown>>;
    /** Epoch ms when the task was created. */
    readonly createdAt: number;
    readonly client?: ClientInfo | undefined;
    readonly approval?: Approval | undefined;
  },
  end: {
    readonly outcome: CallOutcome;
    readonly status?: number | undefined;
    readonly requestId?: string | undefined;
  },
): void {
  audit?.record({
    kind: 'task',
    at: task.createdAt,
    durationMs: Math.max(0, Date.now() - task.createdAt),
    tool: task.tool.name,
    tier: task.tool.tier,
    args: task.args,
    outcome: end.outcome,
    approval: task.approval ?? 'not_gated',
    status: end.status,
    requestId: end.requestId,
    client: task.client,
    taskId: task.id,
  });
}

/**
 * Records a task's end when it comes: the task runtime announces every change of a task
 * (service.watch). A task left running at shutdown and resumed by the next start has no watcher
 * there, so its end is not recorded.
 */
export function auditTaskEnd(
  audit: CallAudit | undefined,
  service: Pick<TaskService, 'watch'>,
  task: TaskRecord,
  subject: {
    readonly tool: AuditedTool;
    readonly client?: ClientInfo | undefined;
    readonly approval?: Approval;
  },
): void {
  if (!audit) return;
  service.watch(task.id, (r) => {
    if (!TERMINAL_STATUSES.has(r.status)) return;
    const error = (r.result?.structuredContent as { error?: { status?: number; request_id?: string | null } })
      ?.error;
    const outcome: CallOutcome =
      r.status === 'cancelled'
        ? 'cancelled'
        : r.status === 'failed' || r.result?.isError
          ? 'tool_error'
          : 'ok';
    recordTaskEnd(
      audit,
      { ...subject, id: r.id, args: r.args, createdAt: r.createdAt },
      {
        outcome,
        status: error?.status || r.started?.status,
        requestId: error?.request_id ?? r.started?.requestId,
      },
    );
  });
}
