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
  type ClientCapabilities,
  type JSONRPCRequest,
  type jsonSchemaValidator,
  LOG_LEVEL_META_KEY,
  type LoggingLevel,
  type Result,
  Server,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/server/validators/ajv';
import type { ApiClient } from '../api/client.js';
import type { CallContext, CallReport } from './call.js';
import type { Confirmations } from './confirmation.js';
import { SERVER_ICONS } from './icon.js';
import { registerPrompts } from './prompts.js';
import { type Redactor, redactorFor } from './redact.js';
import { registerResources } from './resources.js';
import type { ToolHost } from './tool-host.js';

/** What every server of a process shares: built once, at start-up. */
export interface ServerShared {
  readonly name: string;
  readonly version: string;
  readonly instructions?: string;
  readonly confirmations: Confirmations;
  readonly logger: { debug(obj: object, msg: string): void };
}

/** What one caller brings: its tools and how to reach graph8 for resources and completion. */
export interface ServerCaller {
  readonly host: ToolHost;
  readonly api: ApiClient;
  readonly credential: () => string | Promise<string>;
  readonly toolNames: readonly string[];
}

/** Sent at initialize / server/discover; tells the model the confirmation convention. */
export const DEFAULT_INSTRUCTIONS =
  'graph8 go-to-market tools. Tools that send messages, launch campaigns, push to CRMs or ad platforms, delete, or spend credits do not act on a first call: they ask the user, or return a preview. Show it to the user and, once they approve, repeat the call with "confirm": true (or try dry_run first where a tool has it). Use g8_whoami to see what the API key can do.';

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

/**
 * Results built only from this server's own code (lists, handshakes); every other method's result
 * (and error) may carry what graph8 answered, so it is redacted — a new method is by default.
 */
const OWN_RESULTS: ReadonlySet<string> = new Set([
  'initialize',
  'ping',
  'server/discover',
  'tools/list',
  'prompts/list',
  'resources/list',
  'resources/templates/list',
  'logging/setLevel',
]);

type Handler = (request: JSONRPCRequest, ctx: ServerContext) => Promise<Result>;

/**
 * The SDK's Server with one redaction step around every request handler (the SDK's own hook for
 * wrapping handlers, so resources, prompts, completion and tools — and any handler registered
 * later — go through it): no answer can carry the caller's credential or any other graph8 key.
 */
class RedactingServer extends Server {
  /** Set right after construction; read only while a request is handled. */
  credential: (() => string | Promise<string>) | undefined;

  protected override _wrapHandler(method: string, handler: Handler): Handler {
    const inner = super._wrapHandler(method, handler);
    if (OWN_RESULTS.has(method)) return inner;
    return async (request, ctx) => {
      let result: Result;
      try {
        result = await inner(request, ctx);
      } catch (error) {
        throw redactError(error, await this.#redactor());
      }
      return (await this.#redactor()).value(result);
    };
  }

  async #redactor(): Promise<Redactor> {
    let secret: string | undefined;
    try {
      secret = await this.credential?.();
    } catch {
      // No credential to be had (a revoked grant): nothing of it can have been sent either.
    }
    return redactorFor(secret);
  }
}

function redactError(error: unknown, redactor: Redactor): unknown {
  if (error instanceof Error) {
    error.message = redactor.text(error.message);
    const withData = error as Error & { data?: unknown };
    if (withData.data !== undefined) withData.data = redactor.value(withData.data);
  }
  return error;
}

export function buildServer(shared: ServerShared, caller: ServerCaller): Server {
  const server = new RedactingServer(
    { name: shared.name, version: shared.version, title: 'graph8', icons: SERVER_ICONS },
    {
      capabilities: { tools: {}, resources: {}, prompts: {}, completions: {}, logging: {} },
      instructions: shared.instructions ?? DEFAULT_INSTRUCTIONS,
      jsonSchemaValidator: sharedValidator,
      cacheHints: CACHE_HINTS,
      requestState: { verify: shared.confirmations.verify },
    },
  );
  server.credential = caller.credential;
  const { host } = caller;
  // 2025 sessions set a level for the connection; 2026 requests carry one each (or none: no logs).
  let sessionLevel: LoggingLevel | undefined;

  const logLevelOf = (ctx: ServerContext): LoggingLevel | undefined =>
    (ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.[LOG_LEVEL_META_KEY] !== undefined
      ? ((ctx.mcpReq.envelope as Record<string, unknown>)[LOG_LEVEL_META_KEY] as LoggingLevel)
      : sessionLevel;

  function callContext(ctx: ServerContext): CallContext {
    const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
    const caps =
      (envelope?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined) ??
      server.getClientCapabilities();
    const level = logLevelOf(ctx);
    const progressToken = ctx.mcpReq._meta?.progressToken;
    return {
      signal: ctx.mcpReq.signal,
      progressToken,
      notify: (notification) => ctx.mcpReq.notify(notification),
      canElicit: canElicitForm(caps),
      requestState: ctx.mcpReq.requestState(),
      inputResponses: ctx.mcpReq.inputResponses,
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
  server.setRequestHandler('tools/call', (request, ctx) => host.callTool(request.params, callContext(ctx)));
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
