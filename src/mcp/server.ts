/**
 * buildServer: the one MCP server factory, knowing no transport and no era. stdio's serveStdio
 * calls it once per connection; remote mode once per 2026-07-28 request and once per 2025
 * session. It uses the SDK's low-level Server, so tools/list serves JSON Schemas converted once
 * per spec and every tools/call goes to the caller's ToolHost; what a handler needs of its request
 * (era, client capabilities, log level, confirmation answer) is read here into a CallContext.
 */
import {
  type CacheHint,
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  type ClientCapabilities,
  type jsonSchemaValidator,
  LOG_LEVEL_META_KEY,
  type LoggingLevel,
  type Server,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/server/validators/ajv';
import type { ApiClient } from '../api/client.js';
import type { CallContext, CallReport } from './call.js';
import type { Confirmations } from './confirmation.js';
import { SERVER_ICONS } from './icon.js';
import { registerPrompts } from './prompts.js';
import { RedactingServer } from './redacting-server.js';
import { registerResources } from './resources.js';
import type { TaskService } from './tasks/service.js';
import { pushStatus, registerTaskMethods, TASK_CAPABILITIES, taskRequestOf } from './tasks/wire.js';
import type { ToolHost } from './tool-host.js';

/** What every server of a process shares: built once, at start-up. */
export interface ServerShared {
  readonly name: string;
  readonly version: string;
  readonly instructions?: string;
  readonly confirmations: Confirmations;
  readonly logger: { debug(obj: object, msg: string): void };
  /** Tasks of the process (tasks/*, and job-starting tools answering with a task). */
  readonly tasks?: TaskService | undefined;
}

/** What one caller brings: its tools and how to reach graph8 for resources and completion. */
export interface ServerCaller {
  readonly host: ToolHost;
  readonly api: ApiClient;
  readonly credential: () => string | Promise<string>;
  readonly toolNames: readonly string[];
  /** Who is calling (its tasks are its own). */
  readonly owner: string;
}

/** Sent at initialize / server/discover; tells the model the confirmation convention. */
export const DEFAULT_INSTRUCTIONS =
  'graph8 go-to-market tools. Tools that send messages, launch campaigns, push to CRMs or ad platforms, delete, or spend credits do not act on a first call: they ask the user, or return a preview. Show it to the user and, once they approve, repeat the call with the same arguments plus "confirm": true and the "confirmation_token" of the preview (or try dry_run first where a tool has it). Use g8_whoami to see what the API key can do.';

/**
 * Cache hints for the 2026-07-28 cacheable results. Every list depends on the caller (the scope
 * filter reads the key's scopes; remote mode's URL picks the tools), so they are private; the
 * tool list for as long as a key's scopes are remembered (identity.ts), the fixed lists longer.
 * server/discover names only this server's version and capabilities.
 */
const CACHE_HINTS: Record<string, CacheHint> = {
  'tools/list': { ttlMs: 60_000, cacheScope: 'private' },
  'prompts/list': { ttlMs: 300_000, cacheScope: 'private' },
  'resources/list': { ttlMs: 300_000, cacheScope: 'private' },
  'resources/templates/list': { ttlMs: 300_000, cacheScope: 'private' },
  'resources/read': { ttlMs: 0, cacheScope: 'private' },
  'server/discover': { ttlMs: 3_600_000, cacheScope: 'public' },
};

const LEVELS: readonly LoggingLevel[] = [
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
 * One Ajv for every server in the process. The SDK makes one per Server by default, and remote
 * mode builds a Server per request; it only checks 2025 elicitation answers, so sharing is safe.
 */
let ajv: AjvJsonSchemaValidator | undefined;
const sharedValidator: jsonSchemaValidator = {
  getValidator: (schema) => {
    ajv ??= new AjvJsonSchemaValidator();
    return ajv.getValidator(schema);
  },
};

/** Form elicitation: `{}` (2025-06-18 style) or one that names `form`. */
function canElicitForm(caps: ClientCapabilities | undefined): boolean {
  const e = caps?.elicitation as Record<string, unknown> | undefined;
  if (!e) return false;
  return Object.keys(e).length === 0 || 'form' in e;
}

export function buildServer(shared: ServerShared, caller: ServerCaller): Server {
  const server = new RedactingServer(
    caller.credential,
    { name: shared.name, version: shared.version, title: 'graph8', icons: SERVER_ICONS },
    {
      capabilities: {
        tools: {},
        resources: {},
        prompts: {},
        completions: {},
        logging: {},
        ...(shared.tasks ? TASK_CAPABILITIES : {}),
      },
      instructions: shared.instructions ?? DEFAULT_INSTRUCTIONS,
      jsonSchemaValidator: sharedValidator,
      cacheHints: CACHE_HINTS,
      requestState: { verify: shared.confirmations.verify },
    },
  );
  const { host } = caller;
  // 2025 sessions set a level for the connection; 2026 requests carry one each (or none: no logs).
  let sessionLevel: LoggingLevel | undefined;

  function callContext(ctx: ServerContext, params: Record<string, unknown>): CallContext {
    const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
    const caps =
      (envelope?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined) ??
      server.getClientCapabilities();
    const level = (envelope?.[LOG_LEVEL_META_KEY] as LoggingLevel | undefined) ?? sessionLevel;
    const progressToken = ctx.mcpReq._meta?.progressToken;
    const client = (envelope?.[CLIENT_INFO_META_KEY] as CallContext['client']) ?? server.getClientVersion();
    return {
      client,
      signal: ctx.mcpReq.signal,
      era: envelope ? '2026' : '2025',
      progressToken,
      notify: (notification) => ctx.mcpReq.notify(notification),
      canElicit: canElicitForm(caps),
      requestState: ctx.mcpReq.requestState(),
      inputResponses: ctx.mcpReq.inputResponses,
      task: shared.tasks ? taskRequestOf(ctx, params) : undefined,
      onCreated: (record) => {
        if (!ctx.mcpReq.envelope && shared.tasks) pushStatus(server, shared.tasks, record);
      },
      // Only when the client asked for logs: otherwise the report is not even built.
      onDone: level
        ? (info: CallReport) => {
            const at: LoggingLevel = info.ok ? 'debug' : 'warning';
            if (LEVELS.indexOf(at) < LEVELS.indexOf(level)) return;
            void ctx.mcpReq.log(at, { event: 'tool_call', ...info }, 'g8').catch(() => {});
          }
        : undefined,
    };
  }

  server.setRequestHandler('tools/list', async () => ({ tools: await host.listTools() }));
  server.setRequestHandler('tools/call', (request, ctx) =>
    host.callTool(request.params, callContext(ctx, request.params as Record<string, unknown>)),
  );
  if (shared.tasks) registerTaskMethods(server, shared.tasks, caller.owner);
  server.setRequestHandler('logging/setLevel', (request) => {
    sessionLevel = request.params.level;
    return {};
  });
  // Read who the key is as soon as a 2025 client is in, so its first tools/list does not wait.
  server.oninitialized = () => host.warmUp();
  registerResources(server, { api: caller.api, credential: caller.credential, logger: shared.logger });
  registerPrompts(server, { toolNames: caller.toolNames });
  return server;
}
