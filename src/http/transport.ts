/**
 * Streamable HTTP (MCP 2025-03-26 … 2025-11-25) for one session, or one stateless request, written
 * on node:http. It replaces the SDK's StreamableHTTPServerTransport, which converts every request
 * to a web Request and back through web streams and checks each message with zod: measured, that
 * alone held a session to ~8% of what the REST backend serves (bench/, issue 8). The status codes,
 * JSON-RPC error codes and texts are the SDK transport's, so clients see the same protocol.
 *
 * tools/call — nearly all traffic — can skip the SDK's Protocol too: when the server offers a
 * direct entry (src/mcp/server.ts directToolCall), a well-formed call goes straight to the same
 * handler the Protocol would run, minus the zod parsing of the request and of the result, with
 * the same cancellation (notifications/cancelled, session close) and progress notifications.
 * Anything else — and any tools/call the fast check is unsure of — goes through the Protocol.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type RequestId,
  type Result,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@modelcontextprotocol/sdk/types.js';
import {
  isInitialize,
  isNotification,
  isRequest,
  isResponse,
  MAX_BATCH,
  rpcErrorBody,
  toMessages,
} from './jsonrpc.js';
import { isGone, Reply, SSE_HEADERS, SseSink } from './reply.js';

/** tools/call without the Protocol: resolves to the result, rejects as the handler would throw. */
export type DirectCall = (request: JSONRPCRequest, signal: AbortSignal) => Promise<Result>;

export interface HttpTransportOptions {
  /** Session mode: the id the session gets at initialize. Stateless mode: undefined. */
  readonly sessionId?: string;
  /** Answer POSTs with one JSON body instead of an SSE stream. */
  readonly json: boolean;
  /** Called once initialize has been accepted (session mode). */
  readonly onInitialized?: (sessionId: string) => void;
}

/** Answers with a JSON-RPC error (no id); returns undefined so a handler can `return failHttp(…)`. */
export function failHttp(res: ServerResponse, status: number, code: number, message: string): undefined {
  if (res.headersSent || isGone(res)) return;
  const body = rpcErrorBody(code, message);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

export function isJsonContentType(value: string | undefined): boolean {
  if (value === 'application/json') return true;
  return value?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** The Protocol's error answer for a handler that threw. */
function errorOf(error: unknown): { code: number; message: string; data?: unknown } {
  const e = (error ?? {}) as { code?: unknown; message?: unknown; data?: unknown };
  return {
    code: Number.isSafeInteger(e.code) ? (e.code as number) : ErrorCode.InternalError,
    message: typeof e.message === 'string' ? e.message : 'Internal error',
    ...(e.data !== undefined ? { data: e.data } : {}),
  };
}

/** A tools/call the SDK's CallToolRequestSchema would accept as it is, and not a task request. */
function isPlainToolCall(m: { method?: unknown; params?: unknown }): boolean {
  if (m.method !== 'tools/call') return false;
  const p = m.params as Record<string, unknown> | undefined;
  if (!p || typeof p.name !== 'string' || p.task !== undefined) return false;
  const args = p.arguments;
  return args === undefined || (typeof args === 'object' && args !== null && !Array.isArray(args));
}

/** A body of nothing but tools/calls the direct path takes (one, or a batch of them). */
export function onlyToolCalls(body: unknown): boolean {
  const list = Array.isArray(body) ? body : [body];
  return (
    list.length > 0 &&
    list.every(
      (m) =>
        typeof m === 'object' &&
        m !== null &&
        (typeof m.id === 'string' || typeof m.id === 'number') &&
        isPlainToolCall(m),
    )
  );
}

export class HttpTransport implements Transport {
  sessionId: string | undefined;
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  /** Set once the server is connected, if it offers one. */
  direct: DirectCall | undefined;

  readonly #opts: HttpTransportOptions;
  #initialized = false;
  #closed = false;
  /** Where each request's answer (and its notifications) goes. */
  readonly #replies = new Map<RequestId, { reply: Reply; ids: readonly RequestId[] }>();
  /** Direct tools/calls in flight, for notifications/cancelled and close. */
  readonly #inflight = new Map<RequestId, AbortController>();
  #standalone: SseSink | undefined;

  constructor(opts: HttpTransportOptions) {
    this.#opts = opts;
  }

  async start(): Promise<void> {}

  /** One HTTP request of this session; `body` is the parsed JSON (undefined when not JSON). */
  handle(req: IncomingMessage, res: ServerResponse, body: unknown): undefined {
    if (this.#closed) return failHttp(res, 404, -32001, 'Session not found');
    if (req.method === 'POST') return this.#post(req, res, body);
    if (req.method === 'GET') return this.#get(req, res);
    if (req.method === 'DELETE') return this.#delete(req, res);
    res.setHeader('allow', 'GET, POST, DELETE');
    failHttp(res, 405, -32000, 'Method not allowed.');
  }

  #post(req: IncomingMessage, res: ServerResponse, body: unknown): undefined {
    const accept = req.headers.accept ?? '';
    if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
      return failHttp(
        res,
        406,
        -32000,
        'Not Acceptable: Client must accept both application/json and text/event-stream',
      );
    }
    if (!isJsonContentType(req.headers['content-type'])) {
      return failHttp(res, 415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    }
    if (Array.isArray(body) && body.length > MAX_BATCH) {
      return failHttp(res, 400, -32600, `Invalid Request: Batch must not exceed ${MAX_BATCH} messages`);
    }
    const messages = toMessages(body);
    if (!messages) return failHttp(res, 400, -32700, 'Parse error: Invalid JSON-RPC message');

    if (messages.some(isInitialize)) {
      if (this.#initialized && this.sessionId !== undefined) {
        return failHttp(res, 400, -32600, 'Invalid Request: Server already initialized');
      }
      if (messages.length > 1) {
        return failHttp(res, 400, -32600, 'Invalid Request: Only one initialization request is allowed');
      }
      this.sessionId = this.#opts.sessionId;
      this.#initialized = true;
      if (this.sessionId !== undefined) this.#opts.onInitialized?.(this.sessionId);
    } else if (!this.#checkSession(req, res) || !checkProtocolVersion(req, res)) {
      return;
    }

    const ids = messages.filter(isRequest).map((m) => m.id);
    if (ids.length === 0) {
      for (const m of messages) this.#receive(m);
      res.writeHead(202, { 'content-length': '0' }).end();
      return;
    }
    const entry = { reply: new Reply(res, ids, this.#opts.json, this.sessionId), ids };
    for (const id of ids) this.#replies.set(id, entry);
    for (const m of messages) this.#receive(m);
  }

  #get(req: IncomingMessage, res: ServerResponse): undefined {
    if (!req.headers.accept?.includes('text/event-stream')) {
      return failHttp(res, 406, -32000, 'Not Acceptable: Client must accept text/event-stream');
    }
    if (!this.#checkSession(req, res) || !checkProtocolVersion(req, res)) return;
    if (this.#standalone?.open) {
      return failHttp(res, 409, -32000, 'Conflict: Only one SSE stream is allowed per session');
    }
    const session: Record<string, string> =
      this.sessionId === undefined ? {} : { 'mcp-session-id': this.sessionId };
    this.#standalone = new SseSink(res, { ...SSE_HEADERS, ...session });
    this.#standalone.flush();
  }

  #delete(req: IncomingMessage, res: ServerResponse): undefined {
    if (!this.#checkSession(req, res) || !checkProtocolVersion(req, res)) return;
    res.writeHead(200, { 'content-length': '0' }).end();
    void this.close();
  }

  #checkSession(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.#opts.sessionId === undefined) return true;
    if (!this.#initialized) {
      failHttp(res, 400, -32000, 'Bad Request: Server not initialized');
      return false;
    }
    const id = req.headers['mcp-session-id'];
    if (!id) {
      failHttp(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
      return false;
    }
    if (id !== this.sessionId) {
      failHttp(res, 404, -32001, 'Session not found');
      return false;
    }
    return true;
  }

  #receive(message: JSONRPCMessage): undefined {
    if (this.direct && isRequest(message) && isPlainToolCall(message)) {
      this.#callDirect(this.direct, message);
      return;
    }
    if (isNotification(message) && (message as { method: string }).method === 'notifications/cancelled') {
      this.#cancel((message as { params?: { requestId?: RequestId; reason?: string } }).params);
    }
    this.onmessage?.(message);
  }

  /**
   * A client's notifications/cancelled: a direct call is aborted (the Protocol aborts its own), and
   * the request owes no answer any more, so its POST's stream can end once the others are answered.
   */
  #cancel(params: { requestId?: RequestId; reason?: string } | undefined): void {
    // As the Protocol's _oncancel: a falsy id cancels nothing.
    const id = params?.requestId;
    if (!id) return;
    this.#inflight.get(id)?.abort(params.reason);
    const entry = this.#replies.get(id);
    if (entry?.reply.cancel(id)) for (const done of entry.ids) this.#replies.delete(done);
  }

  #callDirect(direct: DirectCall, request: JSONRPCRequest): undefined {
    const controller = new AbortController();
    const { id } = request;
    this.#inflight.set(id, controller);
    direct(request, controller.signal)
      .then(
        // As the Protocol: a cancelled request gets no answer at all.
        (result) => (controller.signal.aborted ? undefined : this.send({ result, jsonrpc: '2.0', id })),
        (error: unknown) =>
          controller.signal.aborted
            ? undefined
            : this.send({ jsonrpc: '2.0', id, error: errorOf(error) } as JSONRPCMessage),
      )
      .catch((error: unknown) => this.onerror?.(new Error(`Failed to send response: ${String(error)}`)))
      .finally(() => {
        if (this.#inflight.get(id) === controller) this.#inflight.delete(id);
      });
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const response = isResponse(message);
    const id = response ? message.id : options?.relatedRequestId;
    if (id === undefined) {
      if (response) {
        throw new Error(
          'Cannot send a response on a standalone SSE stream unless resuming a previous client request',
        );
      }
      // Without an open GET stream there is nowhere to put it (no event store: nothing is replayed).
      this.#standalone?.send(message);
      return;
    }
    const entry = this.#replies.get(id);
    if (!entry) throw new Error(`No connection established for request ID: ${String(id)}`);
    if (!response) {
      // A JSON answer has no stream: a question for the client (elicitation) goes on the GET
      // stream instead, where the SDK transport would have put it; notifications are dropped.
      if (!entry.reply.streams && 'id' in message) this.#standalone?.send(message);
      else entry.reply.notify(message);
      return;
    }
    if (entry.reply.answer(id, message)) for (const done of entry.ids) this.#replies.delete(done);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const controller of this.#inflight.values()) controller.abort();
    this.#inflight.clear();
    for (const entry of new Set(this.#replies.values())) entry.reply.abandon();
    this.#replies.clear();
    this.#standalone?.end();
    this.onclose?.();
  }
}

function checkProtocolVersion(req: IncomingMessage, res: ServerResponse): boolean {
  const version = req.headers['mcp-protocol-version'];
  if (version === undefined || SUPPORTED_PROTOCOL_VERSIONS.includes(String(version))) return true;
  failHttp(
    res,
    400,
    -32000,
    `Bad Request: Unsupported protocol version: ${String(version)} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`,
  );
  return false;
}
