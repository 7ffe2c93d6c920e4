/**
 * The tools of one caller — listing, scope filter, discovery, g8_whoami, g8_tool_search, g8_call
 * and every tools/call — knowing neither the SDK's Server nor a transport: what a call needs of
 * its request (signal, progress, the client's capabilities, a confirmation answer) comes in as a
 * CallContext. Every tools/call of every era and transport goes through `callTool` here.
 *
 * `tools/list` is a function of the caller only: nothing a request does changes it. With
 * discovery on, it lists the core tools and the meta tools; g8_tool_search returns further tools
 * with their input schemas and g8_call runs them.
 */
import {
  type CallToolRequestParams,
  type CallToolResult,
  type InputRequiredResult,
  isInputRequiredResult,
} from '@modelcontextprotocol/server';
import type { ApiClient } from '../api/client.js';
import { cleanText } from '../api/errors.js';
import { inputJsonSchema, type ToolDefinition, toolDefinition } from '../catalogue/definition.js';
import { scopeAllows } from '../catalogue/scopes.js';
import { rankTools } from '../catalogue/search.js';
import type { ExposedTool } from '../catalogue/select.js';
import type { CallAdmission } from '../ops/limits.js';
import { type CallSeen, countRefused, observeCall } from '../ops/observe-call.js';
import type { ConfirmMode } from '../runtime/confirm.js';
import { type Identity, type IdentityResult, identityReader } from '../runtime/identity.js';
import type { ApprovalDesk } from './approvals.js';
import { type CallContext, type CallLogger, callTool } from './call.js';
import { audited, type CallAudit, type CallNote, mark } from './call-audit.js';
import type { Confirmations } from './confirmation.js';
import { CALL, callDefinition, TOOL_SEARCH, toolSearchDefinition, WHOAMI, whoamiDefinition } from './meta.js';
import { structuredResult, toolErrorResult, usageErrorResult } from './result.js';
import type { ToolTasks } from './tasks/tool-tasks.js';
import type { UnavailableTool } from './unavailable.js';

export interface HostContext {
  readonly tools: readonly ExposedTool[];
  readonly api: ApiClient;
  /** The upstream credential for this caller's calls (an API key; never the MCP token). */
  readonly credential: () => string | Promise<string>;
  /** A stable id of who is calling; confirmations are bound to it. */
  readonly who: string;
  readonly logger: CallLogger;
  readonly confirmations: Confirmations;
  /** `never` turns confirmation off (automation); `strict` asks through elicitation only. */
  readonly confirm?: ConfirmMode;
  /** Results longer than this many characters are cut to whole records. Default 25,000. */
  readonly maxResultChars?: number;
  /** Hide tools whose scope the key lacks (reads GET /me once). Default true. */
  readonly scopeFilter?: boolean;
  /** Progressive discovery: list `coreTools` plus the meta tools instead of everything. */
  readonly discovery?: boolean;
  readonly coreTools?: readonly string[];
  /** Mode name reported by g8_whoami. */
  readonly mode?: string;
  /** GET /me as already read for this credential, so it is not read twice. */
  readonly identity?: Promise<Identity | undefined>;
  /** Where calls of job-starting tools become tasks, for clients that take them. */
  readonly tasks?: ToolTasks | undefined;
  /** Per-principal call limits (remote mode), keyed by `who`. */
  readonly limits?: CallAdmission;
  /** Where every catalogue tool call of this caller is recorded (src/audit); none: not audited. */
  readonly audit?: CallAudit | undefined;
  /** Remote mode: the approval page's desk (src/remote/approval). */
  readonly approvals?: ApprovalDesk | undefined;
  /** Explains a call to a tool this connection does not expose (errors/unavailable.ts). */
  readonly unavailable?: UnavailableTool;
}

export interface ToolHost {
  listTools(): Promise<ToolDefinition[]>;
  callTool(params: CallToolRequestParams, ctx: CallContext): Promise<CallToolResult | InputRequiredResult>;
  /** Starts reading GET /me, so the first tools/list does not wait for it. */
  warmUp(): void;
  /** How many tools tools/list returns before hiding those the key lacks a scope for. */
  listedCount(): number;
}

const NONE: ReadonlyMap<string, string> = new Map();

/** A call refused by this server's per-principal limits: the 429 error body, with when to retry. */
function limitResult(reason: 'rate' | 'inflight', retryAfterSeconds: number, tool: string) {
  const message =
    reason === 'rate'
      ? `Too many tool calls from this API key or sign-in: this server allows a limited number a minute (G8_CALLS_PER_MIN_PER_PRINCIPAL). Nothing was sent; retry in ${retryAfterSeconds} s.`
      : `Too many tool calls from this API key or sign-in are still running (G8_MAX_INFLIGHT_PER_PRINCIPAL). Nothing was sent; wait for one to finish, then retry.`;
  return toolErrorResult(
    reason === 'rate' ? 'principal_rate_limited' : 'principal_inflight_limited',
    message,
    {
      status: 429,
      values: { tool, seconds: String(retryAfterSeconds) },
      extra: { retry_after_seconds: retryAfterSeconds },
    },
  );
}

/**
 * Per tool list, built once and shared by every host over the same list (remote mode builds a
 * host per request, over one of a few cached selections): the tools by name, and for each key
 * identity (shared for a minute by identity.ts) the tools it cannot call.
 */
const byNameOf = new WeakMap<readonly ExposedTool[], Map<string, ExposedTool>>();
const hiddenOf = new WeakMap<readonly ExposedTool[], WeakMap<Identity, Map<string, string>>>();

function toolsByName(tools: readonly ExposedTool[]): Map<string, ExposedTool> {
  let map = byNameOf.get(tools);
  if (!map) {
    map = new Map(tools.map((t) => [t.name, t]));
    byNameOf.set(tools, map);
  }
  return map;
}

function hiddenFor(tools: readonly ExposedTool[], identity: Identity): Map<string, string> {
  let perIdentity = hiddenOf.get(tools);
  if (!perIdentity) {
    perIdentity = new WeakMap();
    hiddenOf.set(tools, perIdentity);
  }
  let hidden = perIdentity.get(identity);
  if (!hidden) {
    hidden = new Map();
    for (const t of tools) {
      if (!scopeAllows(identity.scopes, t.spec.scope)) hidden.set(t.name, t.spec.scope);
    }
    perIdentity.set(identity, hidden);
  }
  return hidden;
}

/** g8_call's arguments: advertised as a JSON object string, accepted as an object too. */
function callArguments(value: unknown): Record<string, unknown> | undefined {
  let parsed = value ?? {};
  if (typeof parsed === 'string') {
    try {
      parsed = parsed.trim() === '' ? {} : JSON.parse(parsed);
    } catch {
      return undefined;
    }
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : undefined;
}

export function toolHost(ctx: HostContext): ToolHost {
  const discovery = ctx.discovery ?? false;
  const byName = toolsByName(ctx.tools);
  const core = new Set(ctx.coreTools ?? []);
  const identity = identityReader(ctx.api, ctx.credential, ctx.identity);

  /** Tools the key cannot call, with the scope each needs (empty when filtering is off or /me failed). */
  async function scopeHidden(): Promise<ReadonlyMap<string, string>> {
    if (ctx.scopeFilter === false) return NONE;
    const who = await identity();
    if (!who.ok || who.identity.unrestricted) return NONE;
    return hiddenFor(ctx.tools, who.identity);
  }

  const isListed = (name: string) => !discovery || core.has(name);
  const unavailable: UnavailableTool =
    ctx.unavailable ??
    ((name) => {
      const shown = cleanText(name).slice(0, 100);
      return toolErrorResult('unknown_tool', `Unknown tool: ${shown}`, { values: { tool: shown } });
    });
  const definitionFor = (t: ExposedTool): ToolDefinition => toolDefinition(t.name, t.spec);

  async function listTools(): Promise<ToolDefinition[]> {
    const hidden = await scopeHidden();
    const tools = ctx.tools.filter((t) => !hidden.has(t.name) && isListed(t.name)).map(definitionFor);
    tools.push(whoamiDefinition);
    if (discovery) tools.push(toolSearchDefinition, callDefinition);
    return tools;
  }

  /** Admission (per-principal limits), then the call, observed for metrics and traces; audited. */
  function runTool(
    tool: ExposedTool,
    args: Record<string, unknown>,
    call: CallContext,
  ): Promise<CallToolResult | InputRequiredResult> {
    const subject = { name: tool.name, tier: tool.spec.tier };
    const audit = { tool: subject, args, client: call.client, signal: call.signal };
    return audited(ctx.audit, audit, async (note) => {
      const era = call.era ?? '2025';
      const admission = await ctx.limits?.admit(ctx.who);
      if (admission && !admission.ok) {
        countRefused(tool.name, era);
        mark(note, { outcome: 'refused' });
        return limitResult(admission.reason, admission.retryAfterSeconds, tool.name);
      }
      try {
        return await observeCall(
          { tool: tool.name, tier: tool.spec.tier, era, signal: call.signal },
          (seen) => checkedRun(tool, args, call, seen, note),
          isInputRequiredResult,
        );
      } finally {
        admission?.release();
      }
    });
  }

  async function checkedRun(
    tool: ExposedTool,
    args: Record<string, unknown>,
    call: CallContext,
    seen: CallSeen,
    note: CallNote | undefined,
  ): Promise<CallToolResult | InputRequiredResult> {
    const needs = (await scopeHidden()).get(tool.name);
    if (needs) {
      mark(note, { outcome: 'refused' });
      return toolErrorResult(
        'scope_missing',
        `${tool.name} needs scope ${needs}, which this API key lacks.`,
        {
          values: { tool: tool.name, scope: needs },
          extra: { required_scope: needs },
        },
      );
    }
    return callTool(
      {
        tool,
        api: ctx.api,
        credential: ctx.credential,
        who: ctx.who,
        logger: ctx.logger,
        confirm: ctx.confirm ?? 'auto',
        confirmations: ctx.confirmations,
        maxResultChars: ctx.maxResultChars ?? 25_000,
        tasks: ctx.tasks,
        ctx: call,
        seen,
        note,
        audit: ctx.audit,
        exposed: (name) => byName.has(name),
        approvals: ctx.approvals,
      },
      args,
    );
  }

  async function whoami(tool: string | undefined): Promise<CallToolResult> {
    const who: IdentityResult = await identity();
    const hidden = await scopeHidden();
    const asked = tool === undefined ? undefined : byName.get(tool);
    const base = {
      mode: ctx.mode ?? null,
      scope_filter: ctx.scopeFilter !== false,
      hidden_tools: [...hidden].map(([name, required_scope]) => ({ name, required_scope })),
      ...(discovery ? { discovery: { listed: [...core].filter((n) => byName.has(n)) } } : {}),
      ...(tool === undefined
        ? {}
        : {
            tool: asked
              ? { name: tool, callable: !hidden.has(tool), required_scope: asked.spec.scope }
              : { name: tool, callable: false, problem: 'not a tool of this server in this mode' },
          }),
    };
    if (!who.ok) {
      return structuredResult({
        ...base,
        identity_error: { status: who.error.status || null, message: who.error.message },
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
    if (!query || query.length > 200) {
      return usageErrorResult(TOOL_SEARCH, 'query: give a few words (1-200 characters)', 'query');
    }
    const hidden = await scopeHidden();
    const ranked = rankTools(
      query,
      ctx.tools.filter((t) => !hidden.has(t.name)),
    ).slice(0, limit);
    return structuredResult({
      query,
      matches: ranked.map((r) => ({
        name: r.tool.name,
        title: r.tool.spec.title,
        description: r.tool.spec.description,
        listed: isListed(r.tool.name),
        input_schema: inputJsonSchema(r.tool.spec),
      })),
      next: ranked.length
        ? 'Run a match with g8_call {"name": …, "arguments": "{…}"} (its arguments as a JSON object string, per its input_schema); listed ones can also be called directly.'
        : 'No tool matched; try other words (e.g. the object: contact, sequence, inbox, audience, CRM, campaign, repo).',
    });
  }

  async function handleCall(
    params: CallToolRequestParams,
    call: CallContext,
  ): Promise<CallToolResult | InputRequiredResult> {
    const { name } = params;
    const args = params.arguments ?? {};
    if (name === WHOAMI) {
      const { tool, ...extra } = args;
      const extraArgs = Object.keys(extra);
      if (extraArgs.length)
        return usageErrorResult(
          WHOAMI,
          `${extraArgs.join(', ')}: unknown argument; g8_whoami takes only tool`,
        );
      if (tool !== undefined && typeof tool !== 'string')
        return usageErrorResult(WHOAMI, 'tool: expected a tool name', 'tool');
      return whoami(tool);
    }
    if (discovery && name === TOOL_SEARCH) return toolSearch(args);
    if (discovery && name === CALL) {
      if (typeof args.name !== 'string') return usageErrorResult(CALL, 'name: expected a tool name', 'name');
      const target = byName.get(args.name);
      if (!target) return unavailable(args.name);
      const inner = callArguments(args.arguments);
      if (!inner) {
        return usageErrorResult(
          CALL,
          'arguments: expected a JSON object (or a string holding one)',
          'arguments',
        );
      }
      return runTool(target, inner as Record<string, unknown>, call);
    }
    const tool = byName.get(name);
    if (!tool) return unavailable(name);
    return runTool(tool, args, call);
  }

  return {
    listTools,
    callTool: handleCall,
    warmUp: () => {
      if (ctx.scopeFilter !== false) void identity();
    },
    listedCount: () => ctx.tools.filter((t) => isListed(t.name)).length + (discovery ? 3 : 1),
  };
}
