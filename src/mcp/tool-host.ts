/**
 * The tools of one MCP server — listing, scope filter, discovery, g8_whoami, g8_tool_search,
 * g8_call and every tools/call — knowing neither the SDK's Server nor a transport: what they need
 * of the connection comes in as hooks. buildServer wires them to a Server; stateless HTTP builds a
 * host alone for a POST of nothing but tools/calls, which needs no Server at all.
 */

import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type {
  CallToolRequest,
  CallToolResult,
  ClientCapabilities,
  ElicitRequestFormParams,
  ElicitResult,
  LoggingLevel,
  LoggingMessageNotification,
  RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { ExposedTool } from '../catalogue/select.js';
import { callTool, type Extra, type ToolCall } from './call.js';
import { inputJsonSchema, type ToolDefinition, toolDefinition } from './definition.js';
import { type IdentityResult, identityReader } from './identity.js';
import { CALL, callDefinition, TOOL_SEARCH, toolSearchDefinition, WHOAMI, whoamiDefinition } from './meta.js';
import { structuredResult, usageErrorResult } from './result.js';
import { scopeAllows } from './scopes.js';
import { rankTools } from './search.js';
import type { ServerContext } from './server.js';

export interface HostHooks {
  clientCapabilities(): ClientCapabilities | undefined;
  /** A notification about one request (progress), on that request's stream. */
  notify(
    notification: { method: 'notifications/progress'; params: Record<string, unknown> },
    relatedRequestId: RequestId,
  ): Promise<void>;
  log(params: LoggingMessageNotification['params']): Promise<void>;
  toolListChanged(): Promise<void>;
  elicit(params: ElicitRequestFormParams, options?: RequestOptions): Promise<ElicitResult>;
}

export interface ToolHost {
  listTools(): Promise<ToolDefinition[]>;
  callTool(params: CallToolRequest['params'], extra: Extra): Promise<CallToolResult>;
  /** tools/call as a transport hands it over directly (src/http/transport.ts). */
  direct(
    request: { readonly id: RequestId; readonly params?: Record<string, unknown> },
    signal: AbortSignal,
  ): Promise<CallToolResult>;
  setLogLevel(level: LoggingLevel): void;
  /** Starts reading GET /me, so the first tools/list does not wait for it. */
  warmUp(): void;
}

const LEVELS: LoggingLevel[] = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
];

export function toolHost(ctx: ServerContext, hooks: HostHooks): ToolHost {
  const discovery = ctx.discovery ?? false;
  const confirm = ctx.confirm ?? 'auto';
  const byName = new Map(ctx.tools.map((t) => [t.name, t]));
  const core = new Set(ctx.coreTools ?? []);
  const enabled = new Set<string>();
  const identity = identityReader(ctx.api, ctx.credential, ctx.identity);
  let logLevel: LoggingLevel | undefined;

  /** Clients that can ask the user themselves do not need a `confirm` argument. */
  const canElicit = () => Boolean(hooks.clientCapabilities()?.elicitation);

  /** Tools the key cannot call, with the scope each needs (empty when filtering is off or /me failed). */
  // Computed once per identity answer: scopeHidden runs on every tools/list and every tools/call.
  const NONE = new Map<string, string>();
  let hiddenFor: { who: IdentityResult; hidden: Map<string, string> } | undefined;
  async function scopeHidden(): Promise<Map<string, string>> {
    if (ctx.scopeFilter === false) return NONE;
    const who = await identity();
    if (!who.ok || who.identity.unrestricted) return NONE;
    if (hiddenFor?.who !== who) {
      const hidden = new Map<string, string>();
      for (const t of ctx.tools) {
        if (!scopeAllows(who.identity.scopes, t.spec.scope)) hidden.set(t.name, t.spec.scope);
      }
      hiddenFor = { who, hidden };
    }
    return hiddenFor.hidden;
  }

  const isListed = (name: string) => !discovery || core.has(name) || enabled.has(name);

  // `confirm` is not advertised in schemas (it would cost ~1,750 characters of every tool list):
  // the first call of a gated tool answers with a preview that says to repeat it with confirm: true.
  const definitionFor = (t: ExposedTool): ToolDefinition => toolDefinition(t.name, t.spec);

  async function listTools(): Promise<ToolDefinition[]> {
    const hidden = await scopeHidden();
    const tools = ctx.tools.filter((t) => !hidden.has(t.name) && isListed(t.name)).map(definitionFor);
    tools.push(whoamiDefinition);
    if (discovery) tools.push(toolSearchDefinition, callDefinition);
    return tools;
  }

  function log(level: LoggingLevel, data: Record<string, unknown>): void {
    if (!logLevel || LEVELS.indexOf(level) < LEVELS.indexOf(logLevel)) return;
    void hooks.log({ level, logger: 'g8', data }).catch(() => {});
  }

  async function runTool(
    tool: ExposedTool,
    args: Record<string, unknown>,
    extra: Extra,
    progressToken: string | number | undefined,
  ): Promise<CallToolResult> {
    const hidden = await scopeHidden();
    const needs = hidden.get(tool.name);
    if (needs) {
      return usageErrorResult(
        `${tool.name} needs scope ${needs}, which this API key lacks. Use a key with that scope (graph8 Settings → API); g8_whoami lists what this key can do.`,
      );
    }
    const call: ToolCall = {
      elicit: hooks.elicit,
      tool,
      api: ctx.api,
      credential: ctx.credential,
      logger: ctx.logger,
      confirm,
      canElicit: canElicit(),
      maxResultChars: ctx.maxResultChars ?? 25_000,
      extra,
      progressToken,
      // Only when the client asked for logs: otherwise the report is not even built (call.ts).
      onDone: logLevel
        ? (info) => log(info.ok ? 'debug' : 'warning', { event: 'tool_call', ...info })
        : undefined,
    };
    return callTool(call, args);
  }

  async function whoami(): Promise<CallToolResult> {
    const who: IdentityResult = await identity();
    const hidden = await scopeHidden();
    const base = {
      mode: ctx.mode ?? null,
      scope_filter: ctx.scopeFilter !== false,
      hidden_tools: [...hidden].map(([name, required_scope]) => ({ name, required_scope })),
      ...(discovery ? { discovery: { listed: [...core, ...enabled].filter((n) => byName.has(n)) } } : {}),
    };
    if (!who.ok) {
      return structuredResult({
        ...base,
        identity_error: { status: who.error.status, message: who.error.message },
      });
    }
    const { org_id, org_name, key_mode, name, principal, unrestricted, scopes, expires_at } = who.identity;
    return structuredResult({
      org_id,
      org_name,
      key_name: name,
      key_mode,
      principal,
      unrestricted,
      scopes,
      expires_at,
      ...base,
    });
  }

  async function toolSearch(args: Record<string, unknown>): Promise<CallToolResult> {
    const query = typeof args.query === 'string' ? args.query.trim() : '';
    const limit =
      typeof args.limit === 'number' && args.limit >= 1 ? Math.min(10, Math.floor(args.limit)) : 5;
    if (!query || query.length > 200) return usageErrorResult('query: give a few words (1-200 characters)');
    const hidden = await scopeHidden();
    const ranked = rankTools(
      query,
      ctx.tools.filter((t) => !hidden.has(t.name)),
    ).slice(0, limit);
    const fresh = ranked.filter((r) => !isListed(r.tool.name));
    for (const r of ranked) enabled.add(r.tool.name);
    if (fresh.length) await hooks.toolListChanged().catch(() => {});
    return structuredResult({
      query,
      matches: ranked.map((r) => ({
        name: r.tool.name,
        title: r.tool.spec.title,
        description: r.tool.spec.description,
        input_schema: definitionFor(r.tool).inputSchema ?? inputJsonSchema(r.tool.spec),
      })),
      next: ranked.length
        ? 'These tools are now enabled: call them directly, or with g8_call {name, arguments} if your tool list has not refreshed.'
        : 'No tool matched; try other words (e.g. the object: contact, sequence, inbox, audience, CRM, campaign, repo).',
    });
  }

  async function handleCall(params: CallToolRequest['params'], ex: Extra): Promise<CallToolResult> {
    const { name } = params;
    const args = params.arguments ?? {};
    const token = params._meta?.progressToken;
    if (name === WHOAMI) {
      const extraArgs = Object.keys(args);
      if (extraArgs.length)
        return usageErrorResult(`${extraArgs.join(', ')}: unknown argument; g8_whoami takes none`);
      return whoami();
    }
    if (discovery && name === TOOL_SEARCH) return toolSearch(args);
    if (discovery && name === CALL) {
      const target = typeof args.name === 'string' ? byName.get(args.name) : undefined;
      if (!target)
        return usageErrorResult(`name: unknown tool "${String(args.name)}"; find tools with g8_tool_search`);
      if (!isListed(target.name)) {
        return usageErrorResult(`${target.name} is not enabled yet: find it with g8_tool_search first`);
      }
      const inner = args.arguments ?? {};
      if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
        return usageErrorResult('arguments: expected an object');
      }
      return runTool(target, inner as Record<string, unknown>, ex, token);
    }
    const tool = byName.get(name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    return runTool(tool, args, ex, token);
  }

  return {
    listTools,
    callTool: handleCall,
    direct: (request, signal) =>
      handleCall(request.params as CallToolRequest['params'], {
        signal,
        requestId: request.id,
        // What the Protocol's extra.sendNotification does for a request's own notifications.
        sendNotification: async (notification) => {
          if (!signal.aborted) await hooks.notify(notification, request.id);
        },
      }),
    setLogLevel: (level) => {
      logLevel = level;
    },
    warmUp: () => {
      if (ctx.scopeFilter !== false) void identity();
    },
  };
}
