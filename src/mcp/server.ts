/**
 * buildServer(context): an MCP server with a tool selection registered, knowing no transport.
 * Uses the low-level Server so tools/list serves precomputed JSON Schemas and tools/call runs one
 * generic path: validate → confirm → build request → call → shape.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import type { ApiClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import type { ExposedTool } from '../catalogue/select.js';
import type { ProgressUpdate } from '../catalogue/types.js';
import { bindCaller } from './caller.js';
import {
  type ConfirmMode,
  isDryRun,
  isGated,
  previewStructured,
  summarize,
  withConfirmField,
} from './confirm.js';
import { type ToolDefinition, toolDefinition } from './definition.js';
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

export interface ServerLogger {
  debug(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ServerContext {
  readonly name: string;
  readonly version: string;
  readonly tools: readonly ExposedTool[];
  readonly api: ApiClient;
  /** The upstream credential for this server's calls (an API key; never the MCP token). */
  readonly credential: () => string | Promise<string>;
  readonly logger: ServerLogger;
  readonly instructions?: string;
  /** `never` turns confirmation off (automation); default `auto`. */
  readonly confirm?: ConfirmMode;
  /** Results longer than this many characters are cut to whole records. Default 25,000. */
  readonly maxResultChars?: number;
}

type Extra = {
  signal: AbortSignal;
  _meta?: { progressToken?: string | number };
  sendNotification: (n: {
    method: 'notifications/progress';
    params: Record<string, unknown>;
  }) => Promise<void>;
};

export function buildServer(ctx: ServerContext): Server {
  const server = new Server(
    { name: ctx.name, version: ctx.version },
    {
      capabilities: { tools: { listChanged: false } },
      ...(ctx.instructions ? { instructions: ctx.instructions } : {}),
    },
  );
  const confirm = ctx.confirm ?? 'auto';
  const byName = new Map(ctx.tools.map((t) => [t.name, t]));
  let listed: ToolDefinition[] | undefined;

  /** Clients that can ask the user themselves do not need a `confirm` argument. */
  const canElicit = () => Boolean(server.getClientCapabilities()?.elicitation);

  server.setRequestHandler(ListToolsRequestSchema, () => {
    listed ??= ctx.tools.map((t) => toolDefinition(t.name, t.spec));
    if (confirm === 'never' || canElicit()) return { tools: listed };
    return { tools: listed.map((d, i) => (isGated(ctx.tools[i]!.spec, confirm) ? withConfirmField(d) : d)) };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const tool = byName.get(request.params.name);
    if (!tool) {
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
    }
    const call: ToolCall = {
      server,
      ctx,
      tool,
      confirm,
      canElicit: canElicit(),
      extra: extra as unknown as Extra,
    };
    return callTool(call, request.params.arguments ?? {}, request.params._meta?.progressToken);
  });

  return server;
}

interface ToolCall {
  server: Server;
  ctx: ServerContext;
  tool: ExposedTool;
  confirm: ConfirmMode;
  canElicit: boolean;
  extra: Extra;
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
    for (const issue of parsed.error.issues)
      issues.push({ field: issue.path.map(String).join('.'), message: issue.message });
  }
  return {
    issues,
    data: parsed.success ? (parsed.data as Record<string, unknown>) : undefined,
    confirmed: confirmArg === true,
  };
}

async function callTool(
  call: ToolCall,
  args: Record<string, unknown>,
  progressToken: string | number | undefined,
): Promise<CallToolResult> {
  const { tool, ctx } = call;
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

  const credential = await ctx.credential();
  const api = bindCaller(ctx.api, credential, tool.spec.tier, call.extra.signal);
  const progress =
    progressToken === undefined
      ? undefined
      : (update: ProgressUpdate) =>
          call.extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken, ...update },
          });
  const result = await run(call, data, api, progress);
  return withoutSecret(result, credential);
}

async function askUser(call: ToolCall, summary: string): Promise<boolean> {
  try {
    const answer = await call.server.elicitInput(
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
      { signal: call.extra.signal },
    );
    return answer.action === 'accept' && answer.content?.confirm === true;
  } catch (error) {
    call.ctx.logger.debug(
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
  try {
    const result = spec.run
      ? await spec.run(input as never, { api, signal: call.extra.signal, ...(progress ? { progress } : {}) })
      : await api.call(buildRestRequest(spec.http!, input));
    return successResult(result.data, result.pagination, call.ctx.maxResultChars ?? 25_000);
  } catch (error) {
    if (error instanceof ApiError) {
      call.ctx.logger.debug(
        { tool: call.tool.name, status: error.status, request_id: error.requestId },
        'tool call failed',
      );
      return apiErrorResult(error, spec.tier);
    }
    // A plain Error is a tool's own argument rule (thrown before any request); anything else is a bug.
    if (error instanceof Error && error.constructor === Error) return usageErrorResult(error.message);
    call.ctx.logger.error({ tool: call.tool.name, err: error }, 'tool handler crashed');
    return internalErrorResult();
  }
}
