/**
 * buildServer(context): an MCP server with a tool selection registered, knowing no transport.
 * Uses the low-level Server so tools/list serves precomputed JSON Schemas and every tools/call
 * runs one generic path (call.ts). The tools themselves — scope-aware list, discovery, meta tools —
 * live in tool-host.ts; here they are wired to the Server, with resources, prompts and logging.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  SetLevelRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import type { ApiClient } from '../api/client.js';
import type { ExposedTool } from '../catalogue/select.js';
import type { CallLogger, Extra } from './call.js';
import type { ConfirmMode } from './confirm.js';
import type { Identity } from './identity.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { type ToolHost, toolHost } from './tool-host.js';

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
export type DirectToolCall = ToolHost['direct'];
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
  const host = toolHost(ctx, {
    clientCapabilities: () => server.getClientCapabilities(),
    notify: (notification, relatedRequestId) => server.notification(notification, { relatedRequestId }),
    log: (params) => server.sendLoggingMessage(params),
    toolListChanged: () => server.sendToolListChanged(),
    elicit: (params, options) => server.elicitInput(params, options),
  });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: await host.listTools() }));
  server.setRequestHandler(SetLevelRequestSchema, (request) => {
    host.setLogLevel(request.params.level);
    return {};
  });
  server.setRequestHandler(CallToolRequestSchema, (request, extra) =>
    host.callTool(request.params, extra as unknown as Extra),
  );
  directCalls.set(server, host.direct);
  // Read who the key is as soon as the client is in, so the first tools/list does not wait for it.
  server.oninitialized = () => host.warmUp();
  registerResources(server, { api: ctx.api, credential: ctx.credential, logger: ctx.logger });
  registerPrompts(server, { toolNames: ctx.tools.map((t) => t.name) });
  return server;
}
