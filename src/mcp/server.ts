/**
 * buildServer(context): an MCP server with a tool selection registered, knowing no transport.
 * Uses the low-level Server so tools/list serves precomputed JSON Schemas and every tools/call
 * runs one generic path (call.ts). On top of the catalogue: a tool list that fits the key's
 * scopes, progressive discovery, resources, prompts and client-visible logging.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  type CallToolRequest,
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  type LoggingLevel,
  McpError,
  SetLevelRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import type { ApiClient } from '../api/client.js';
import type { ExposedTool } from '../catalogue/select.js';
import { type CallLogger, callTool, type Extra, type ToolCall } from './call.js';
import type { ConfirmMode } from './confirm.js';
import { inputJsonSchema, type ToolDefinition, toolDefinition } from './definition.js';
import { type Identity, type IdentityResult, identityReader } from './identity.js';
import { CALL, callDefinition, TOOL_SEARCH, toolSearchDefinition, WHOAMI, whoamiDefinition } from './meta.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { structuredResult, usageErrorResult } from './result.js';
import { scopeAllows } from './scopes.js';
import { rankTools } from './search.js';

export type ServerLogger = CallLogger;

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
  /** Hide tools whose scope the key lacks (reads GET /me once). Default true. */
  readonly scopeFilter?: boolean;
  /** Progressive discovery: list `coreTools` plus g8_tool_search instead of everything. */
  readonly discovery?: boolean;
  /** Names (in this mode) listed from the start when discovery is on. */
  readonly coreTools?: readonly string[];
  /** Mode name reported by g8_whoami. */
  readonly mode?: string;
  /**
   * GET /me as already read for this credential (stdio's fast start-up reads it before this server
   * exists), so it is not read twice; resolving to undefined means "read it as usual".
   */
  readonly identity?: Promise<Identity | undefined>;
}

/** Sent once at initialize; tells the model the confirmation convention the schemas do not spell out. */
export const DEFAULT_INSTRUCTIONS =
  'graph8 go-to-market tools. Tools that send messages, launch campaigns, push to CRMs or ad platforms, delete, or spend credits do not act on a first call: they return a preview. Show it to the user and, once they approve, repeat the call with "confirm": true (or try dry_run first where a tool has it). Use g8_whoami to see what the API key can do.';

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

/**
 * One Ajv for every server in the process. The SDK makes one per Server by default (~18 KB each),
 * which in HTTP mode means one per session; it only checks elicitation answers, so sharing is safe.
 */
let ajv: AjvJsonSchemaValidator | undefined;
const sharedValidator: jsonSchemaValidator = {
  getValidator: (schema) => {
    ajv ??= new AjvJsonSchemaValidator();
    return ajv.getValidator(schema);
  },
};

/**
 * tools/call without the SDK's Protocol, for transports that can tell a well-formed call apart
 * (src/http/transport.ts): the same handler, minus the zod parsing of request and result, which
 * cost more than the rest of a call. Keyed by server so buildServer's signature stays as it is.
 */
export type DirectToolCall = (
  request: { readonly id: string | number; readonly params?: Record<string, unknown> },
  signal: AbortSignal,
) => Promise<CallToolResult>;
const directCalls = new WeakMap<Server, DirectToolCall>();

export function directToolCall(server: Server): DirectToolCall | undefined {
  return directCalls.get(server);
}

export function buildServer(ctx: ServerContext): Server {
  const discovery = ctx.discovery ?? false;
  const server = new Server(
    { name: ctx.name, version: ctx.version },
    {
      capabilities: {
        tools: { listChanged: discovery },
        resources: {},
        prompts: {},
        completions: {},
        logging: {},
      },
      instructions: ctx.instructions ?? DEFAULT_INSTRUCTIONS,
      jsonSchemaValidator: sharedValidator,
    },
  );
  const confirm = ctx.confirm ?? 'auto';
  const byName = new Map(ctx.tools.map((t) => [t.name, t]));
  const core = new Set(ctx.coreTools ?? []);
  const enabled = new Set<string>();
  const identity = identityReader(ctx.api, ctx.credential, ctx.identity);
  let logLevel: LoggingLevel | undefined;

  /** Clients that can ask the user themselves do not need a `confirm` argument. */
  const canElicit = () => Boolean(server.getClientCapabilities()?.elicitation);

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

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const hidden = await scopeHidden();
    const tools = ctx.tools.filter((t) => !hidden.has(t.name) && isListed(t.name)).map(definitionFor);
    tools.push(whoamiDefinition);
    if (discovery) tools.push(toolSearchDefinition, callDefinition);
    return { tools };
  });

  server.setRequestHandler(SetLevelRequestSchema, (request) => {
    logLevel = request.params.level;
    return {};
  });

  function log(level: LoggingLevel, data: Record<string, unknown>): void {
    if (!logLevel || LEVELS.indexOf(level) < LEVELS.indexOf(logLevel)) return;
    void server.sendLoggingMessage({ level, logger: 'g8', data }).catch(() => {});
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
      server,
      tool,
      api: ctx.api,
      credential: ctx.credential,
      logger: ctx.logger,
      confirm,
      canElicit: canElicit(),
      maxResultChars: ctx.maxResultChars ?? 25_000,
      extra,
      progressToken,
      onDone: (info) => log(info.ok ? 'debug' : 'warning', { event: 'tool_call', ...info }),
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
    if (fresh.length) await server.sendToolListChanged().catch(() => {});
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

  server.setRequestHandler(CallToolRequestSchema, (request, extra) =>
    handleCall(request.params, extra as unknown as Extra),
  );
  directCalls.set(server, (request, signal) =>
    handleCall(request.params as CallToolRequest['params'], {
      signal,
      requestId: request.id,
      // What the Protocol's extra.sendNotification does for a request's own notifications.
      sendNotification: async (notification) => {
        if (!signal.aborted) await server.notification(notification, { relatedRequestId: request.id });
      },
    }),
  );

  // Read who the key is as soon as the client is in, so the first tools/list does not wait for it.
  server.oninitialized = () => {
    if (ctx.scopeFilter !== false) void identity();
  };
  registerResources(server, { api: ctx.api, credential: ctx.credential, logger: ctx.logger });
  registerPrompts(server, { toolNames: ctx.tools.map((t) => t.name) });
  return server;
}
