/**
 * buildServer(context): an MCP server with a tool selection registered, knowing no transport.
 * Uses the low-level Server so tools/list serves precomputed JSON Schemas and tools/call runs one
 * generic path: validate → build request → call → shape.
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
import { bindCaller } from './caller.js';
import { type ToolDefinition, toolDefinition } from './definition.js';
import { buildRestRequest } from './request.js';
import {
  apiErrorResult,
  type FieldIssue,
  internalErrorResult,
  invalidArgumentsResult,
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
}

export function buildServer(ctx: ServerContext): Server {
  const server = new Server(
    { name: ctx.name, version: ctx.version },
    {
      capabilities: { tools: { listChanged: false } },
      ...(ctx.instructions ? { instructions: ctx.instructions } : {}),
    },
  );
  const byName = new Map(ctx.tools.map((t) => [t.name, t]));
  let listed: ToolDefinition[] | undefined;

  server.setRequestHandler(ListToolsRequestSchema, () => {
    listed ??= ctx.tools.map((t) => toolDefinition(t.name, t.spec));
    return { tools: listed };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const tool = byName.get(request.params.name);
    if (!tool) {
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
    }
    return callTool(ctx, tool, request.params.arguments ?? {}, extra.signal);
  });

  return server;
}

async function callTool(
  ctx: ServerContext,
  tool: ExposedTool,
  args: Record<string, unknown>,
  signal: AbortSignal,
): Promise<CallToolResult> {
  const { spec } = tool;
  const unknown = Object.keys(args).filter((k) => !(k in spec.input.shape));
  const parsed = spec.input.safeParse(args);
  if (unknown.length || !parsed.success) {
    const issues: FieldIssue[] = unknown.map((k) => ({
      field: k,
      message: `unknown argument; valid ones: ${Object.keys(spec.input.shape).join(', ')}`,
    }));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        issues.push({ field: issue.path.map(String).join('.'), message: issue.message });
      }
    }
    return invalidArgumentsResult(tool.name, issues);
  }
  const credential = await ctx.credential();
  const api = bindCaller(ctx.api, credential, spec.tier, signal);
  return withoutSecret(await run(ctx, tool, parsed.data, api, signal), credential);
}

/**
 * Last line of defence: should any upstream text echo the credential, it never reaches the model.
 * Costs one substring search of a string we already built.
 */
function withoutSecret(result: CallToolResult, secret: string): CallToolResult {
  const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
  if (!secret || !text.includes(secret)) return result;
  const clean = JSON.parse(JSON.stringify(result).replaceAll(secret, '[redacted]')) as CallToolResult;
  return clean;
}

async function run(
  ctx: ServerContext,
  tool: ExposedTool,
  input: unknown,
  api: ReturnType<typeof bindCaller>,
  signal: AbortSignal,
): Promise<CallToolResult> {
  const { spec } = tool;
  try {
    const result = spec.run
      ? await spec.run(input as never, { api, signal })
      : await api.call(buildRestRequest(spec.http!, input as Record<string, unknown>));
    return successResult(result.data, result.pagination);
  } catch (error) {
    if (error instanceof ApiError) {
      ctx.logger.debug(
        { tool: tool.name, status: error.status, request_id: error.requestId },
        'tool call failed',
      );
      return apiErrorResult(error, spec.tier);
    }
    // A plain Error is a tool's own argument rule (thrown before any request); anything else is a bug.
    if (error instanceof Error && error.constructor === Error) return usageErrorResult(error.message);
    ctx.logger.error({ tool: tool.name, err: error }, 'tool handler crashed');
    return internalErrorResult();
  }
}
