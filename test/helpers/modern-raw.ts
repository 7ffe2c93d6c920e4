/**
 * A 2026-07-28 client written out by hand, for what the SDK client does not let a test do: send a
 * tampered or replayed requestState, a wrong protocol version, a header that contradicts the body.
 * Over remote mode (one POST per request) or stdio (one line per message, the built bin).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { MAIN } from './stdio.js';

export type Message = Record<string, unknown> & {
  id?: number;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: Record<string, unknown> };
};

export interface RawOptions {
  readonly version?: string;
  readonly capabilities?: Record<string, unknown>;
  readonly logLevel?: string;
  /** Extra HTTP headers (HTTP only), e.g. a contradicting Mcp-Method. */
  readonly headers?: Record<string, string>;
}

export interface Answer {
  /** The final JSON-RPC response. */
  readonly response: Message;
  /** Notifications about the request that came before it. */
  readonly notifications: Message[];
  readonly status?: number;
}

export interface RawClient {
  request(method: string, params?: Record<string, unknown>, o?: RawOptions): Promise<Answer>;
  close(): Promise<void>;
}

export function envelope(o: RawOptions = {}): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': o.version ?? '2026-07-28',
    'io.modelcontextprotocol/clientInfo': { name: 'raw-2026', version: '1.0.0' },
    'io.modelcontextprotocol/clientCapabilities': o.capabilities ?? {},
    ...(o.logLevel ? { 'io.modelcontextprotocol/logLevel': o.logLevel } : {}),
  };
}

let nextId = 1;

function body(method: string, params: Record<string, unknown>, o: RawOptions): Message {
  const meta = { ...envelope(o), ...((params._meta as object | undefined) ?? {}) };
  return { jsonrpc: '2.0', id: nextId++, method, params: { ...params, _meta: meta } };
}

function parseSse(text: string): Message[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('data: ') && l.length > 6)
    .map((l) => JSON.parse(l.slice(6)) as Message);
}

export function httpRaw(url: string, apiKey: string): RawClient {
  return {
    async request(method, params = {}, o = {}) {
      const message = body(method, params, o);
      // Mcp-Name: the tool or resource, or for tasks/* the task id (tasks extension, routing headers).
      const name = (params.name ?? params.uri ?? params.taskId) as string | undefined;
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'x-api-key': apiKey,
          'mcp-protocol-version': o.version ?? '2026-07-28',
          'mcp-method': method,
          ...(name ? { 'mcp-name': name } : {}),
          ...o.headers,
        },
        body: JSON.stringify(message),
      });
      const text = await res.text();
      const messages = (res.headers.get('content-type') ?? '').includes('event-stream')
        ? parseSse(text)
        : [JSON.parse(text) as Message];
      const response = messages.find((m) => m.id === message.id) ?? (messages.at(-1) as Message);
      return { response, notifications: messages.filter((m) => m.id === undefined), status: res.status };
    },
    close: async () => {},
  };
}

/** `main`: the bin to run (default the tsc build; the bundle is dist/bundle/main.js). */
export function stdioRaw(env: Record<string, string>, main = MAIN): RawClient {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? '', G8_LOG_LEVEL: 'silent', ...env },
  });
  let buffer = '';
  const seen: Message[] = [];
  const waiters = new Map<number, (m: Message) => void>();
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i !== -1; i = buffer.indexOf('\n')) {
      const m = JSON.parse(buffer.slice(0, i)) as Message;
      buffer = buffer.slice(i + 1);
      seen.push(m);
      if (typeof m.id === 'number' && !('method' in m)) waiters.get(m.id)?.(m);
    }
  });
  return {
    request(method, params = {}, o = {}) {
      const message = body(method, params, o);
      const from = seen.length;
      return new Promise((resolve) => {
        waiters.set(message.id as number, (response) => {
          const notifications = seen.slice(from).filter((m) => m.id === undefined);
          resolve({ response, notifications });
        });
        child.stdin.write(`${JSON.stringify(message)}\n`);
      });
    },
    async close() {
      child.stdin.end();
      child.kill();
    },
  };
}
