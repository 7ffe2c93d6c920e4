/**
 * One tools/call, start to finish: validate → confirm → call the API (or the composite) → shape.
 * Every outcome is a CallToolResult (or, for a gated call, the input-required question); a name
 * this connection does not expose is a tool error too (tool-host.ts, errors/unavailable.ts).
 */
import type { CallToolResult, InputRequiredResult } from '@modelcontextprotocol/server';
import type { ApiClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { PathParamError } from '../api/path.js';
import type { ExposedTool } from '../catalogue/select.js';
import type { ProgressUpdate } from '../catalogue/types.js';
import type { ApprovalDesk } from './approvals.js';
import { bindCaller } from './caller.js';
import { type ConfirmMode, isDryRun, isGated, previewStructured, summarize } from './confirm.js';
import type { Confirmations } from './confirmation.js';
import { schemaKey } from './definition.js';
import { buildRestRequest, pathParamIssues } from './request.js';
import {
  apiErrorResult,
  type FieldIssue,
  internalErrorResult,
  invalidArgumentsResult,
  pageSizeArg,
  structuredResult,
  successResult,
  toolErrorResult,
  usageErrorResult,
} from './result.js';

export interface CallLogger {
  debug(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What one tools/call request brings from its era and transport (built in server.ts). */
export interface CallContext {
  readonly signal: AbortSignal;
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
  readonly ctx: CallContext;
  /** Remote mode: the approval page, where a person signed in as the caller approves a call. */
  readonly approvals?: ApprovalDesk | undefined;
  /** Which tool names this caller can call, so error hints name only those. */
  readonly exposed?: (name: string) => boolean;
}

function validate(call: ToolCall, args: Record<string, unknown>) {
  const { spec } = call.tool;
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
  if (issues.length || !data) return invalidArgumentsResult(tool.name, issues);
  if (!isGated(tool.spec, call.confirm) || isDryRun(data)) return send(call, data);

  const summary = summarize(tool.name, tool.spec, data);
  // Bound to the binding, not the name alone: one name can mean another endpoint in another mode.
  const binding = schemaKey(tool.spec);
  const answer = call.confirmations.answer(ctx.requestState, ctx.inputResponses, call.who, binding, data);
  switch (answer.kind) {
    case 'accepted':
      // Not tied to the client's connection: the user approved it, and a client that lost its
      // stream and asks again must get this outcome, not an abort (confirmation.ts, single use).
      return call.confirmations.once(answer.id, () =>
        send(call, data, { idempotencyKey: answer.id, detached: true }),
      );
    case 'declined':
      return call.confirmations.once(answer.id, async () =>
        structuredResult({ cancelled: true, summary, message: 'The user declined; nothing was done.' }),
      );
    case 'mismatch':
      return toolErrorResult(
        'confirmation_mismatch',
        `This confirmation belongs to another call of ${tool.name} (other arguments or another caller); nothing was done.`,
        { values: { tool: tool.name } },
      );
    case 'none':
      break;
  }
  if (ctx.canElicit) return call.confirmations.ask(call.who, binding, data, summary);
  // A person approved this exact call on the approval page (remote mode): it goes through, once.
  const approved = call.approvals?.claim(call.who, binding, data);
  if (approved) {
    return call.confirmations.once(approved, () =>
      send(call, data, { idempotencyKey: approved, detached: true }),
    );
  }
  if (call.confirm === 'strict' && !call.approvals) {
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
    // Tied to this request, unlike an elicited approval: cancelling it stops the work, and the
    // token, once used, brings back that outcome (a new preview is needed to act again).
    return call.confirmations.once(id, () => send(call, data, { idempotencyKey: id }));
  }
  const fresh = strict ? undefined : await call.confirmations.token(call.who, binding, data);
  const approvalUrl = call.approvals?.open({ who: call.who, binding, tool: tool.name, args: data, summary });
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
 * `detached` from the request's cancellation (each attempt keeps its own timeout).
 */
async function send(
  call: ToolCall,
  data: Record<string, unknown>,
  opts: { idempotencyKey?: string; detached?: boolean } = {},
): Promise<CallToolResult> {
  const credential = await call.credential();
  const signal = opts.detached ? undefined : call.ctx.signal;
  const api = bindCaller(call.api, credential, call.tool.spec.tier, signal, opts.idempotencyKey);
  const token = call.ctx.progressToken;
  const progress =
    token === undefined
      ? undefined
      : (update: ProgressUpdate) =>
          call.ctx.notify({ method: 'notifications/progress', params: { progressToken: token, ...update } });
  // Nothing upstream echoes reaches the client: server.ts redacts every answer.
  return run(call, data, api, progress, signal);
}

async function run(
  call: ToolCall,
  input: Record<string, unknown>,
  api: ReturnType<typeof bindCaller>,
  progress: ((u: ProgressUpdate) => Promise<void>) | undefined,
  signal: AbortSignal | undefined,
): Promise<CallToolResult> {
  const { spec } = call.tool;
  const started = performance.now();
  const done = (ok: boolean, status?: number, requestId?: string) =>
    call.ctx.onDone?.({
      tool: call.tool.name,
      ok,
      ...(status !== undefined ? { status } : {}),
      ...(requestId ? { request_id: requestId } : {}),
      ms: Math.round(performance.now() - started),
    });
  try {
    const result = spec.run
      ? await spec.run(input as never, {
          api,
          ...(signal ? { signal } : {}),
          ...(progress ? { progress } : {}),
        })
      : await api.call(buildRestRequest(spec.http!, input));
    done(true, result.status, result.requestId);
    return successResult(result.data, result.pagination, call.maxResultChars, pageSizeArg(spec));
  } catch (error) {
    if (error instanceof ApiError) {
      call.logger.debug(
        { tool: call.tool.name, status: error.status, request_id: error.requestId },
        'tool call failed',
      );
      done(false, error.status, error.requestId);
      return apiErrorResult(error, { tool: call.tool.name, spec, args: input, exposed: call.exposed });
    }
    done(false);
    // A path parameter no request can carry, met inside a composite tool: still nothing sent for it.
    if (error instanceof PathParamError) {
      return invalidArgumentsResult(call.tool.name, [{ field: error.param, message: error.problem }]);
    }
    // A plain Error is a tool's own argument rule (thrown before any request); anything else is a bug.
    if (error instanceof Error && error.constructor === Error)
      return usageErrorResult(call.tool.name, error.message);
    call.logger.error({ tool: call.tool.name, err: error }, 'tool handler crashed');
    return internalErrorResult();
  }
}
