/**
 * The one redaction boundary of everything the server answers: the SDK's Server with a redaction
 * step around every request handler it wraps (src/mcp/redact.ts says what is redacted).
 */
import {
  type JSONRPCRequest,
  PROTOCOL_VERSION_META_KEY,
  type Result,
  Server,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { type McpRequest, tracer } from '../ops/trace.js';
import { type Redactor, redactorFor } from './redact.js';

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
export class RedactingServer extends Server {
  // Read only while a request is handled: the SDK wraps its own handlers during super().
  readonly #credential: () => string | Promise<string>;

  constructor(credential: () => string | Promise<string>, ...args: ConstructorParameters<typeof Server>) {
    super(...args);
    this.#credential = credential;
  }

  protected override _wrapHandler(method: string, handler: Handler): Handler {
    const redacted = this._redacting(method, super._wrapHandler(method, handler));
    // One span per MCP request when tracing is on (started before any server is built).
    const t = tracer();
    if (!t) return redacted;
    return (request, ctx) => {
      // 2026-07-28 requests carry their version in the envelope the SDK lifted off `_meta`.
      const version = (ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.[
        PROTOCOL_VERSION_META_KEY
      ];
      const mcp: McpRequest = {
        ...(request as McpRequest),
        ...(typeof version === 'string' ? { version } : {}),
      };
      return t.request(mcp, () => redacted(request, ctx));
    };
  }

  // An arrow property would not exist yet while super() wraps the SDK's own handlers; a method does.
  protected _redacting(method: string, inner: Handler): Handler {
    if (OWN_RESULTS.has(method)) return inner;
    return async (request, ctx) => {
      let result: Result;
      try {
        result = await inner(request, ctx);
      } catch (error) {
        throw redactError(error, await this.#redactor());
      }
      const redacted = (await this.#redactor()).value(result);
      return method === 'tools/call' ? withoutTaskContent(redacted) : redacted;
    };
  }

  async #redactor(): Promise<Redactor> {
    let secret: string | undefined;
    try {
      secret = await this.#credential();
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

/**
 * A tools/call answered with a task (tasks/wire.ts) carries an empty `content` only to pass the
 * SDK's tools/call result check, which knows no task result on either era's wire yet: a
 * CreateTaskResult has no content, so it goes here, after that check.
 */
function withoutTaskContent(result: Result): Result {
  if (result['resultType'] !== 'task' && !('task' in result)) return result;
  const { content: _empty, ...task } = result;
  return task;
}
