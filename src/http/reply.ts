/**
 * The HTTP answer to one POST /mcp that carried requests: an SSE stream (the default) or, in JSON
 * mode, one JSON body once every request in it is answered.
 *
 * Headers go out with the first event rather than at once: a call that answers straight away is
 * then one write with a Content-Length instead of a chunked stream (headers, event, terminator).
 * A stream still silent at the next keep-alive tick gets its headers with the keep-alive comment.
 */
import type { ServerResponse } from 'node:http';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { messageJson } from '../mcp/result-json.js';
import { rpcErrorBody } from './jsonrpc.js';

/** The SDK's interval: proxies drop an SSE stream that stays silent for long. */
export const KEEP_ALIVE_MS = 15_000;

export const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

const sseEvent = (message: JSONRPCMessage) => `event: message\ndata: ${messageJson(message)}\n\n`;

/** The client closed the connection (or the answer is already complete). */
export function isGone(res: ServerResponse): boolean {
  return res.destroyed || res.writableEnded || res.socket?.destroyed === true;
}

/** Open SSE streams; one timer for all of them instead of one per request. */
const live = new Set<SseSink>();
let ticker: NodeJS.Timeout | undefined;

function watch(sink: SseSink): void {
  live.add(sink);
  if (!ticker) {
    ticker = setInterval(() => {
      for (const s of live) s.comment('keepalive');
    }, KEEP_ALIVE_MS);
    ticker.unref();
  }
}

/** An SSE response that may stay open (a POST's answers, or the session's GET stream). */
export class SseSink {
  #started = false;
  #ended = false;

  constructor(
    readonly res: ServerResponse,
    readonly headers: Record<string, string>,
  ) {
    // The client may have left while the request was being authenticated: its 'close' is past.
    if (isGone(res)) {
      this.#ended = true;
      return;
    }
    watch(this);
    res.once('close', () => {
      this.#ended = true;
      live.delete(this);
    });
  }

  get open(): boolean {
    return !this.#ended;
  }

  /** Sends the headers now (the GET stream: the client waits for them to know it is open). */
  flush(): void {
    if (this.#started || this.#ended) return;
    this.#started = true;
    this.res.writeHead(200, this.headers);
    this.res.flushHeaders();
  }

  comment(text: string): void {
    this.#write(`: ${text}\n\n`, false);
  }

  send(message: JSONRPCMessage, last = false): void {
    this.#write(sseEvent(message), last);
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    live.delete(this);
    if (!this.#started) this.res.writeHead(200, this.headers);
    this.res.end();
  }

  #write(text: string, last: boolean): void {
    if (this.#ended) return;
    if (!this.#started) {
      this.#started = true;
      if (last) {
        this.#ended = true;
        live.delete(this);
        this.res.writeHead(200, { ...this.headers, 'content-length': String(Buffer.byteLength(text)) });
        this.res.end(text);
        return;
      }
      this.res.writeHead(200, this.headers);
    }
    this.res.write(text);
    if (last) this.end();
  }
}

/** The answers owed for one POST: which requests it carried, and where their answers go. */
export class Reply {
  readonly #ids: readonly RequestId[];
  readonly #pending: Set<RequestId>;
  /** JSON mode: answers by request, sent in the order of the requests once all are in. */
  readonly #answers = new Map<RequestId, JSONRPCMessage>();
  readonly #sse: SseSink | undefined;
  readonly sessionHeader: Record<string, string>;

  constructor(
    readonly res: ServerResponse,
    ids: readonly RequestId[],
    json: boolean,
    sessionId: string | undefined,
  ) {
    this.#ids = ids;
    this.#pending = new Set(ids);
    this.sessionHeader = sessionId === undefined ? {} : { 'mcp-session-id': sessionId };
    this.#sse = json ? undefined : new SseSink(res, { ...SSE_HEADERS, ...this.sessionHeader });
  }

  /** False in JSON mode: there is no stream for notifications or server requests. */
  get streams(): boolean {
    return this.#sse !== undefined;
  }

  /** A notification (or server request) tied to one of this POST's requests. */
  notify(message: JSONRPCMessage): void {
    this.#sse?.send(message);
  }

  /** One request's answer; true once every request of the POST is settled (the reply is done). */
  answer(id: RequestId, message: JSONRPCMessage): boolean {
    this.#pending.delete(id);
    const done = this.#pending.size === 0;
    if (this.#sse) {
      this.#sse.send(message, done);
      return done;
    }
    this.#answers.set(id, message);
    if (done) this.#sendJson();
    return done;
  }

  /** A request the client cancelled: it gets no answer, and the reply may be done without it. */
  cancel(id: RequestId): boolean {
    if (!this.#pending.delete(id)) return false;
    if (this.#pending.size > 0) return false;
    if (this.#sse) this.#sse.end();
    else this.#sendJson();
    return true;
  }

  #sendJson(): void {
    if (isGone(this.res) || this.res.headersSent) return;
    const answers = this.#ids.flatMap((id) => {
      const a = this.#answers.get(id);
      return a ? [a] : [];
    });
    if (answers.length === 0) {
      this.res.writeHead(202, { 'content-length': '0' }).end();
      return;
    }
    const body =
      answers.length === 1
        ? messageJson(answers[0] as JSONRPCMessage)
        : `[${answers.map(messageJson).join(',')}]`;
    this.res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      ...this.sessionHeader,
    });
    this.res.end(body);
  }

  /** The session closed before every answer was ready. */
  abandon(): void {
    if (this.#sse) this.#sse.end();
    else if (!this.res.headersSent) {
      this.res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(rpcErrorBody(-32001, 'Session closed before the answer was ready'));
    }
  }
}
