/**
 * One tools/call, start to finish: validate → confirm → call the API (or the composite) → shape.
 * Every outcome is a CallToolResult (or, for a gated call, the input-required question); a name
 * this connection does not expose is a tool error too (tool-host.ts, errors/unavailable.ts).
 */
import type { CallToolResult, InputRequiredResult } from '@modelcontextprotocol/server';
import type { ApiClient } from '../api/client.js';
import { CredentialError } from '../auth/credential-error.js';
import { schemaKey } from '../catalogue/definition.js';
import type { ExposedTool } from '../catalogue/select.js';
import { type ProgressUpdate, unwrapArguments } from '../catalogue/types.js';
import type { Era } from '../ops/metrics.js';
import type { CallSeen } from '../ops/observe-call.js';
import { bindCaller } from '../runtime/caller.js';
import { type ConfirmMode, isDryRun, isGated, previewStructured, summarize } from '../runtime/confirm.js';
import { pathParamIssues } from '../runtime/request.js';
import type { ApprovalDesk } from './approvals.js';
import { auditTaskEnd, type CallAudit, type CallNote, type ClientInfo, mark } from './call-audit.js';
import type { Confirmations } from './confirmation.js';
import { executeTool } from './execute.js';
import { type FieldIssue, invalidArgumentsResult, structuredResult, toolErrorResult } from './result.js';
import { TaskLimitError } from './tasks/service.js';
import type { TaskRecord } from './tasks/store.js';
import type { ToolTasks } from './tasks/tool-tasks.js';
import { createTaskResult, type TaskRequest } from './tasks/wire.js';

export interface CallLogger {
  debug(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What one tools/call request brings from its era and transport (built in server.ts). */
export interface CallContext {
  readonly signal: AbortSignal;
  /** The request's protocol era, for the metrics (default 2025). */
  readonly era?: Era;
  readonly progressToken?: string | number | undefined;
  /** A notification about this request (progress), on its own stream. */
  notify(notification: { method: 'notifications/progress'; params: Record<string, unknown> }): Promise<void>;
  /** Whether the client can answer a form elicitation (declared per request, or at initialize). */
  readonly canElicit: boolean;
  /** The verified requestState of a re-entry (confirmation.ts), if any. */
  readonly requestState?: unknown;
  readonly inputResponses?: Record<string, unknown> | undefined;
  /** Reports the finished call to the client's log; only given when the client asked for logs. */
  readonly onDone?: ((info: CallReport) => void) | undefined;
  /** The client's name and version (2026: per request; 2025: from initialize), for the audit trail. */
  readonly client?: ClientInfo | undefined;
  /** Set when the client takes a task for this call (tasks/wire.ts says how it asked). */
  readonly task?: TaskRequest | undefined;
  /** A task was created for this call (2025 sessions push its status while they last). */
  readonly onCreated?: ((record: TaskRecord) => void) | undefined;
}

export interface CallReport {
  tool: string;
  ok: boolean;
  status?: number;
  request_id?: string;
  ms: number;
}

export interface ToolCall {
  readonly tool: ExposedTool;
  readonly api: ApiClient;
  readonly credential: () => string | Promise<string>;
  /** Who is calling (a stable id of the credential's owner): confirmations are bound to it. */
  readonly who: string;
  readonly logger: CallLogger;
  readonly confirm: ConfirmMode;
  readonly confirmations: Confirmations;
  readonly maxResultChars: number;
  /** Where calls of job-starting tools become tasks (absent: they are always held). */
  readonly tasks?: ToolTasks | undefined;
  readonly ctx: CallContext;
  /** Told whether the upstream part ran and how it ended (ops/observe-call.ts). */
  readonly seen?: CallSeen;
  /** What the audit trail learns of this call (call-audit.ts); absent when nothing is audited. */
  readonly note?: CallNote | undefined;
  /** The caller's audit, for what ends after the call: a task's end (recordTaskEnd). */
  readonly audit?: CallAudit | undefined;
  /** Remote mode: the approval page, where a person signed in as the caller approves a call. */
  readonly approvals?: ApprovalDesk | undefined;
  /** Which tool names this caller can call, so error hints name only those. */
  readonly exposed?: ((name: string) => boolean) | undefined;
}

function validate(call: ToolCall, given: Record<string, unknown>) {
  const { spec } = call.tool;
  const args = unwrapArguments(spec, given);
  const shape = spec.input.shape as Record<string, unknown>;
  // `confirm` is graph8's convention on every tool that can be gated; under G8_CONFIRM=never it is
  // accepted and ignored, so prompts written for graph8's own server keep working.
  const takesConfirm = isGated(spec, 'auto') && !Object.hasOwn(shape, 'confirm');
  const { confirm: confirmArg, confirmation_token: token, ...rest } = args;
  const input = takesConfirm ? rest : args;
  // Own properties only: `constructor`, `toString` or `__proto__` are no argument of any tool.
  const unknown = Object.keys(input).filter((k) => !Object.hasOwn(shape, k));
  const parsed = spec.input.safeParse(input);
  // A `__proto__` key that a JSON parse upstream of us turned into the object's prototype.
  const proto = Object.getPrototypeOf(args) as unknown;
  if (proto !== Object.prototype && proto !== null) unknown.push('__proto__');
  const issues: FieldIssue[] = unknown.map((k) => ({
    field: k,
    message: `unknown argument; valid ones: ${Object.keys(shape).join(', ')}`,
  }));
  if (takesConfirm && confirmArg !== undefined && typeof confirmArg !== 'boolean') {
    issues.push({ field: 'confirm', message: 'expected a boolean' });
  }
  if (takesConfirm && token !== undefined && typeof token !== 'string') {
    issues.push({ field: 'confirmation_token', message: 'expected the string a preview returned' });
  }
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({ field: issue.path.map(String).join('.'), message: issue.message });
    }
  }
  const data = parsed.success ? (parsed.data as Record<string, unknown>) : undefined;
  if (data) issues.push(...pathParamIssues(spec, data));
  return { issues, data, token: takesConfirm ? token : undefined };
}

export async function callTool(
  call: ToolCall,
  args: Record<string, unknown>,
): Promise<CallToolResult | InputRequiredResult> {
  const { tool, ctx } = call;
  const { issues, data, token } = validate(call, args);
  if (issues.length || !data) {
    mark(call.note, { outcome: 'refused' });
    return invalidArgumentsResult(tool.name, issues);
  }
  if (!isGated(tool.spec, call.confirm) || isDryRun(data)) return send(call, data);

  const summary = summarize(tool.name, tool.spec, data);
  // Bound to the binding, not the name alone: one name can mean another endpoint in another mode.
  const binding = schemaKey(tool.spec);
  const answer = call.confirmations.answer(ctx.requestState, ctx.inputResponses, call.who, binding, data);
  switch (answer.kind) {
    case 'accepted':
      mark(call.note, { approval: 'elicitation' });
      // Not tied to the client's connection: the user approved it, and a client that lost its
      // stream and asks again must get this outcome, not an abort (confirmation.ts, single use).
      return call.confirmations.once(answer.id, () =>
        send(call, data, { idempotencyKey: answer.id, detached: true }),
      );
    case 'declined':
      mark(call.note, { approval: 'elicitation', outcome: 'declined' });
      return call.confirmations.once(answer.id, async () =>
        structuredResult({ cancelled: true, summary, message: 'The user declined; nothing was done.' }),
      );
    case 'mismatch':
      mark(call.note, { outcome: 'refused' });
      return toolErrorResult(
        'confirmation_mismatch',
        `This confirmation belongs to another call of ${tool.name} (other arguments or another caller); nothing was done.`,
        { values: { tool: tool.name } },
      );
    case 'none':
      break;
  }
  if (ctx.canElicit) {
    mark(call.note, { outcome: 'asked' });
    return call.confirmations.ask(call.who, binding, data, summary);
  }
  // A person approved this exact call on the approval page (remote mode): it goes through, once.
  const approved = await call.approvals?.claim(call.who, binding, data);
  if (approved) {
    mark(call.note, { approval: 'approval_page' });
    return call.confirmations.once(approved, () =>
      send(call, data, { idempotencyKey: approved, detached: true }),
    );
  }
  if (call.confirm === 'strict' && !call.approvals) {
    mark(call.note, { outcome: 'refused' });
    // A tool error, not a protocol one: the model can tell the user why, and what would work.
    return toolErrorResult(
      'confirmation_unavailable',
      `${tool.name} needs a person to approve it, and this client cannot be asked (it does not support elicitation); nothing was done.`,
      { values: { tool: tool.name } },
    );
  }
  // Without elicitation, only a token from this call's own preview acts (`confirm: true` alone, or
  // a token for other arguments, gets a fresh preview); a repeated token gets the first outcome.
  const strict = call.confirm === 'strict';
  const redeemed = strict
    ? { kind: 'none' as const }
    : await call.confirmations.redeem(token, call.who, binding, data);
  if (redeemed.kind === 'accepted') {
    const { id } = redeemed;
    mark(call.note, { approval: 'token' });
    // Tied to this request, unlike an elicited approval: cancelling it stops the work, and the
    // token, once used, brings back that outcome (a new preview is needed to act again).
    return call.confirmations.once(id, () => send(call, data, { idempotencyKey: id }));
  }
  mark(call.note, { outcome: 'asked' });
  const fresh = strict ? undefined : await call.confirmations.token(call.who, binding, data);
  const approvalUrl = await call.approvals?.open({
    who: call.who,
    binding,
    tool: tool.name,
    args: data,
    summary,
  });
  return structuredResult(
    previewStructured(tool.name, summary, data, {
      token: fresh,
      approvalUrl,
      ttlSeconds: call.confirmations.ttlSeconds,
      hasDryRun: 'dry_run' in tool.spec.input.shape,
      refused: redeemed.kind === 'none' ? undefined : redeemed.kind,
    }),
  );
}

/**
 * The REST request(s); a confirmed call's state id is its upstream Idempotency-Key, and it runs
 * `detached` from the request's cancellation (each attempt keeps its own timeout). A call of a tool
 * that starts a job, from a client that takes tasks, becomes a task instead of being held.
 */
async function send(
  call: ToolCall,
  data: Record<string, unknown>,
  opts: { idempotencyKey?: string; detached?: boolean } = {},
): Promise<CallToolResult> {
  let credential: string;
  try {
    credential = await call.credential();
  } catch (error) {
    // The user's sign-in, not the model's call: a tool error that says what to do (sign in again).
    if (!(error instanceof CredentialError)) throw error;
    const code = error.transient ? 'connection_failed' : 'authentication_failed';
    return toolErrorResult(code, error.message, { values: { tool: call.tool.name } });
  }
  const { tasks, tool, ctx } = call;
  // A dry run starts nothing: it is answered at once.
  if (ctx.task && tasks?.supports(tool) && !isDryRun(data))
    return startTask(call, tasks, ctx.task, data, credential, opts.idempotencyKey);
  const signal = opts.detached ? undefined : ctx.signal;
  const api = bindCaller(call.api, credential, tool.spec.tier, signal, opts.idempotencyKey);
  const token = ctx.progressToken;
  const progress =
    token === undefined
      ? undefined
      : (update: ProgressUpdate) =>
          ctx.notify({ method: 'notifications/progress', params: { progressToken: token, ...update } });
  const started = performance.now();
  // Nothing upstream echoes reaches the client: server.ts redacts every answer.
  const executed = await executeTool(tool, data, api, call, { signal, progress });
  // A failure with no status was refused before any request (a composite's own argument rule).
  if (call.seen)
    call.seen.upstream = executed.ok ? 'ok' : executed.status === undefined ? undefined : 'failed';
  mark(call.note, {
    outcome: executed.ok ? 'ok' : executed.status === undefined ? 'refused' : 'tool_error',
    ...(executed.status !== undefined ? { status: executed.status } : {}),
    ...(executed.requestId ? { requestId: executed.requestId } : {}),
  });
  ctx.onDone?.({
    tool: tool.name,
    ok: executed.ok,
    ...(executed.status !== undefined ? { status: executed.status } : {}),
    ...(executed.requestId ? { request_id: executed.requestId } : {}),
    ms: Math.round(performance.now() - started),
  });
  return executed.result;
}

async function startTask(
  call: ToolCall,
  tasks: ToolTasks,
  request: TaskRequest,
  data: Record<string, unknown>,
  credential: string,
  baseKey: string | undefined,
): Promise<CallToolResult> {
  try {
    const record = await tasks.start({ tool: call.tool, input: data, owner: call.who, credential, baseKey });
    mark(call.note, { outcome: 'task_created', taskId: record.id });
    const subject = { name: call.tool.name, tier: call.tool.spec.tier };
    auditTaskEnd(call.audit, tasks.service, record, {
      tool: subject,
      client: call.ctx.client,
      approval: call.note?.approval,
    });
    call.ctx.onCreated?.(record);
    return createTaskResult(record, tasks.service, request);
  } catch (error) {
    if (error instanceof TaskLimitError) {
      mark(call.note, { outcome: 'refused' });
      return toolErrorResult('busy', error.message, { values: { tool: call.tool.name } });
    }
    throw error;
  }
}
