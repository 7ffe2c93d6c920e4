/**
 * One tools/call, start to finish: validate → confirm → call the API (or the composite) → shape.
 * Every outcome is a CallToolResult; only an unknown tool name is a protocol error (server.ts).
 */
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type {
  CallToolResult,
  ElicitRequestFormParams,
  ElicitResult,
} from '@modelcontextprotocol/sdk/types.js';
import type { ApiClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import type { ExposedTool } from '../catalogue/select.js';
import type { ProgressUpdate } from '../catalogue/types.js';
import { bindCaller } from './caller.js';
import { type ConfirmMode, isDryRun, isGated, previewStructured, summarize } from './confirm.js';
import { buildRestRequest } from './request.js';
import {
  apiErrorResult,
  type FieldIssue,
  internalErrorResult,
  invalidArgumentsResult,
  structuredResult,
  successResult,
  usageErrorResult,
} from './result.js';

export interface CallLogger {
  debug(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface Extra {
  signal: AbortSignal;
  /** The tools/call's JSON-RPC id: server requests about it go out on its own stream. */
  requestId?: string | number;
  sendNotification: (n: {
    method: 'notifications/progress';
    params: Record<string, unknown>;
  }) => Promise<void>;
}

export interface ToolCall {
  /** Asks the user (MCP elicitation); only called when the client said it can. */
  readonly elicit: (params: ElicitRequestFormParams, options?: RequestOptions) => Promise<ElicitResult>;
  readonly tool: ExposedTool;
  readonly api: ApiClient;
  readonly credential: () => string | Promise<string>;
  readonly logger: CallLogger;
  readonly confirm: ConfirmMode;
  readonly canElicit: boolean;
  readonly maxResultChars: number;
  readonly extra: Extra;
  readonly progressToken?: string | number | undefined;
  /** Reports the finished call (status, request id, duration) to the client's log, if it asked. */
  readonly onDone?: (info: {
    tool: string;
    ok: boolean;
    status?: number;
    request_id?: string;
    ms: number;
  }) => void;
}

function validate(call: ToolCall, args: Record<string, unknown>) {
  const { spec } = call.tool;
  const gated = isGated(spec, call.confirm);
  const { confirm: confirmArg, ...rest } = args;
  const input = gated ? rest : args;
  const shape = spec.input.shape as Record<string, unknown>;
  const unknown = Object.keys(input).filter((k) => !(k in shape));
  const parsed = spec.input.safeParse(input);
  const issues: FieldIssue[] = unknown.map((k) => ({
    field: k,
    message: `unknown argument; valid ones: ${Object.keys(shape).join(', ')}`,
  }));
  if (gated && confirmArg !== undefined && typeof confirmArg !== 'boolean') {
    issues.push({ field: 'confirm', message: 'expected a boolean' });
  }
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({ field: issue.path.map(String).join('.'), message: issue.message });
    }
  }
  return {
    issues,
    data: parsed.success ? (parsed.data as Record<string, unknown>) : undefined,
    confirmed: confirmArg === true,
  };
}

export async function callTool(call: ToolCall, args: Record<string, unknown>): Promise<CallToolResult> {
  const { tool } = call;
  const { issues, data, confirmed } = validate(call, args);
  if (issues.length || !data) return invalidArgumentsResult(tool.name, issues);

  if (isGated(tool.spec, call.confirm) && !isDryRun(data)) {
    const summary = summarize(tool.name, tool.spec, data);
    if (call.canElicit) {
      const approved = await askUser(call, summary);
      if (!approved) {
        return structuredResult({
          cancelled: true,
          summary,
          message: 'The user declined; nothing was done.',
        });
      }
    } else if (!confirmed) {
      return structuredResult(
        previewStructured(tool.name, summary, data, 'dry_run' in tool.spec.input.shape),
      );
    }
  }

  const credential = await call.credential();
  const api = bindCaller(call.api, credential, tool.spec.tier, call.extra.signal);
  const token = call.progressToken;
  const progress =
    token === undefined
      ? undefined
      : (update: ProgressUpdate) =>
          call.extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken: token, ...update },
          });
  const result = await run(call, data, api, progress);
  return withoutSecret(result, credential);
}

async function askUser(call: ToolCall, summary: string): Promise<boolean> {
  try {
    const answer = await call.elicit(
      {
        message: `${summary} Proceed?`,
        requestedSchema: {
          type: 'object',
          properties: {
            confirm: { type: 'boolean', title: 'Proceed', description: summary, default: false },
          },
          required: ['confirm'],
        },
      },
      // Tied to the call, so over HTTP the question travels on the call's own SSE stream, which is
      // open for sure, rather than on a GET stream the client may not have opened yet.
      {
        signal: call.extra.signal,
        ...(call.extra.requestId !== undefined ? { relatedRequestId: call.extra.requestId } : {}),
      },
    );
    return answer.action === 'accept' && answer.content?.confirm === true;
  } catch (error) {
    call.logger.debug(
      { tool: call.tool.name, err: String(error) },
      'elicitation failed; treating as declined',
    );
    return false;
  }
}

/**
 * Last line of defence: should any upstream text echo the credential, it never reaches the model.
 * Costs one substring search of a string we already built.
 */
function withoutSecret(result: CallToolResult, secret: string): CallToolResult {
  const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
  if (!secret || !text.includes(secret)) return result;
  return JSON.parse(JSON.stringify(result).replaceAll(secret, '[redacted]')) as CallToolResult;
}

async function run(
  call: ToolCall,
  input: Record<string, unknown>,
  api: ReturnType<typeof bindCaller>,
  progress: ((u: ProgressUpdate) => Promise<void>) | undefined,
): Promise<CallToolResult> {
  const { spec } = call.tool;
  const started = performance.now();
  const done = (ok: boolean, status?: number, requestId?: string) =>
    call.onDone?.({
      tool: call.tool.name,
      ok,
      ...(status !== undefined ? { status } : {}),
      ...(requestId ? { request_id: requestId } : {}),
      ms: Math.round(performance.now() - started),
    });
  try {
    const result = spec.run
      ? await spec.run(input as never, { api, signal: call.extra.signal, ...(progress ? { progress } : {}) })
      : await api.call(buildRestRequest(spec.http!, input));
    done(true, result.status, result.requestId);
    return successResult(result.data, result.pagination, call.maxResultChars);
  } catch (error) {
    if (error instanceof ApiError) {
      call.logger.debug(
        { tool: call.tool.name, status: error.status, request_id: error.requestId },
        'tool call failed',
      );
      done(false, error.status, error.requestId);
      return apiErrorResult(error, spec.tier);
    }
    done(false);
    // A plain Error is a tool's own argument rule (thrown before any request); anything else is a bug.
    if (error instanceof Error && error.constructor === Error) return usageErrorResult(error.message);
    call.logger.error({ tool: call.tool.name, err: error }, 'tool handler crashed');
    return internalErrorResult();
  }
}
