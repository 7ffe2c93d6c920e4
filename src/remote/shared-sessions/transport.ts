/**
 * The transport of a shared 2025-era session: the SDK's WebStandardStreamableHTTPServerTransport
 * (which does the HTTP: streams, event ids, replay, DELETE) behind the SDK's `Transport` interface,
 * with what the SDK's sessionful transport cannot do, as its session state is private to it:
 * - be created for a known session id and primed as initialized (`restore`): the client's own
 *   `initialize` (and `logging/setLevel`), kept in its record, replayed through it, so the Server
 *   from the same factory holds the same protocol version, client capabilities and info;
 * - let the replicas that hold copies of one session pass messages (bus.ts):
 *   - a question this copy asks the client carries this copy's tag in its id (`<tag>:<n>`), so the
 *     answer, wherever it lands, is sent on to the copy that asked; the Server sees its own ids;
 *   - a client's `notifications/cancelled` goes to every copy: the call may run on any of them;
 *   - a server message with no request to ride on goes to the GET stream, on whichever copy has it
 *     (which copy holds it is kept in Redis too, for JSON response mode's questions).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import {
  type AuthInfo,
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type Transport,
  type TransportSendOptions,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';
import type { BusMessage } from './bus.js';
import type { RedisEventStore } from './event-store.js';
import type { SessionRecord } from './record.js';

export interface SharedTransportOptions {
  readonly id: string;
  readonly jsonResponse: boolean;
  readonly events: RedisEventStore;
  readonly publish: (message: BusMessage) => Promise<void>;
  /** Stops hearing the session's channel (on close). */
  readonly leave: () => void;
  readonly onsessioninitialized?: (id: string) => void;
  /** DELETE: the session ends for every replica. */
  readonly onsessionclosed: (id: string) => Promise<void>;
  readonly onLogLevel: (level: string) => void;
  /** Marks the client's GET stream as held by this copy (`true`) or no longer (`false`). */
  readonly holdGet: (held: boolean) => void;
  /** Whether another copy holds the client's GET stream (JSON response mode asks before a question). */
  readonly getElsewhere: () => Promise<boolean>;
  readonly logger: { warn(obj: object, msg: string): void };
}

const isResponse = (m: JSONRPCMessage) => isJSONRPCResultResponse(m) || isJSONRPCErrorResponse(m);

/** Told to clients in the priming event: how soon to come back after a stream ends early. */
const RETRY_MS = 1000;

export class SharedSessionTransport implements Transport {
  /** This copy of the session, in the ids of the questions it asks. */
  readonly tag = randomBytes(6).toString('base64url');
  readonly #web: WebStandardStreamableHTTPServerTransport;
  readonly #opts: SharedTransportOptions;
  /** Open GET streams here: where a message with no request to ride on can go. */
  #gets = 0;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  constructor(opts: SharedTransportOptions) {
    this.#opts = opts;
    this.#web = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => opts.id,
      enableJsonResponse: opts.jsonResponse,
      eventStore: opts.events,
      retryInterval: RETRY_MS,
      onsessionclosed: opts.onsessionclosed,
      ...(opts.onsessioninitialized ? { onsessioninitialized: opts.onsessioninitialized } : {}),
    });
  }

  get sessionId(): string | undefined {
    return this.#web.sessionId;
  }

  async start(): Promise<void> {
    this.#web.onmessage = (message, extra) => this.#fromClient(message, extra);
    this.#web.onerror = (error) => this.onerror?.(error);
    this.#web.onclose = () => {
      this.#opts.leave();
      this.onclose?.();
    };
    await this.#web.start();
  }

  setSupportedProtocolVersions(versions: string[]): void {
    this.#web.setSupportedProtocolVersions(versions);
  }

  async handleRequest(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    if (req.method === 'GET') {
      this.#gets += 1;
      this.#opts.holdGet(true);
      res.once('close', () => {
        this.#gets -= 1;
        if (this.#gets === 0) this.#opts.holdGet(false);
      });
    }
    // The Node ↔ web conversion the SDK's own Node transport uses (@hono/node-server): cheaper per
    // request than the SDK's toNodeHandler (measured), and it sends SSE headers at once, so a GET
    // stream with nothing to say yet does not keep its client waiting for the first keep-alive.
    const authInfo = (req as IncomingMessage & { auth?: AuthInfo }).auth;
    await getRequestListener(
      (request) => this.#web.handleRequest(request, { parsedBody: body, ...(authInfo ? { authInfo } : {}) }),
      { overrideGlobalObjects: false },
    )(req, res);
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const out = isJSONRPCRequest(message) ? { ...message, id: `${this.tag}:${message.id}` } : message;
    if (options?.relatedRequestId === undefined && !isResponse(out) && this.#gets === 0) {
      // No GET stream here: the replica that has it sends it (and keeps it for a resume).
      return this.#opts.publish({ kind: 'server', from: this.tag, message: out });
    }
    return this.#web.send(out, options);
  }

  /** Whether a message with no request to ride on reaches the client: its GET stream is here or elsewhere. */
  async reachable(): Promise<boolean> {
    return this.#gets > 0 || this.#opts.getElsewhere().catch(() => false);
  }

  async close(): Promise<void> {
    // Also when it never started (a rebuild that failed): its channel is left either way.
    this.#opts.leave();
    await this.#web.close();
  }

  /** A message from another replica's copy of this session. */
  fromBus(bus: BusMessage): void {
    if (bus.from === this.tag) return;
    if (bus.kind === 'end') {
      void this.close();
      return;
    }
    if (bus.kind === 'server') {
      if (this.#gets > 0) {
        this.#web.send(bus.message).catch((error: unknown) => this.onerror?.(error as Error));
      }
      return;
    }
    if (bus.to !== undefined && bus.to !== this.tag) return;
    this.#deliver(bus.message);
  }

  #fromClient(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    if (isResponse(message) && typeof message.id === 'string') {
      const at = message.id.indexOf(':');
      const tag = at > 0 ? message.id.slice(0, at) : '';
      if (tag && tag !== this.tag) {
        // The answer to another copy's question: it waits there.
        this.#opts
          .publish({ kind: 'client', from: this.tag, to: tag, message })
          .catch(() => this.#opts.logger.warn({}, 'an answer for another replica could not be passed on'));
        return;
      }
    }
    if ('method' in message && message.method === 'notifications/cancelled') {
      void this.#opts.publish({ kind: 'client', from: this.tag, message }).catch(() => {});
    }
    if (isJSONRPCRequest(message) && message.method === 'logging/setLevel') {
      const level = (message.params as { level?: unknown } | undefined)?.level;
      if (typeof level === 'string') this.#opts.onLogLevel(level);
    }
    this.#deliver(message, extra);
  }

  /** To this copy's Server, an answer's id back to the Server's own. */
  #deliver(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    if (isResponse(message) && typeof message.id === 'string' && message.id.startsWith(`${this.tag}:`)) {
      const own = message.id.slice(this.tag.length + 1);
      const id = /^\d+$/.test(own) ? Number(own) : own;
      this.onmessage?.({ ...message, id } as JSONRPCMessage, extra);
      return;
    }
    this.onmessage?.(message, extra);
  }

  /** Primes a rebuilt copy with its client's `initialize` (and log level), answering nothing to anyone. */
  async restore(record: SessionRecord): Promise<void> {
    this.#opts.events.mute(true);
    try {
      const params = {
        protocolVersion: record.protocolVersion,
        capabilities: record.capabilities,
        clientInfo: record.clientInfo,
      };
      await this.#post({ jsonrpc: '2.0', id: 'g8-restore', method: 'initialize', params }, false);
      await this.#post({ jsonrpc: '2.0', method: 'notifications/initialized' }, true);
      if (record.logLevel) {
        const level = { level: record.logLevel };
        await this.#post(
          { jsonrpc: '2.0', id: 'g8-restore-level', method: 'logging/setLevel', params: level },
          true,
        );
      }
    } finally {
      this.#opts.events.mute(false);
    }
  }

  async #post(body: Record<string, unknown>, inSession: boolean): Promise<void> {
    const headers: Record<string, string> = {
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
    };
    if (inSession) headers['mcp-session-id'] = this.#opts.id;
    const request = new Request('http://session.invalid/mcp', {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    const res = await this.#web.handleRequest(request, { parsedBody: body });
    const text = await res.text();
    if (!res.ok || text.includes('"error"')) {
      throw new Error(`the session could not be rebuilt (${res.status}): ${text.slice(0, 200)}`);
    }
  }
}
