/** A real HTTP server on port 0 that records every request and answers from a handler. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  /** Path without the query, e.g. /api/v1/contacts/101. */
  path: string;
  query: Record<string, string | string[]>;
  headers: IncomingMessage['headers'];
  body: unknown;
  rawBody: string;
}

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Raw text instead of JSON (for malformed-body tests). */
  raw?: string;
  /** Wait this long before answering (a slow backend). */
  delayMs?: number;
  /** Reset the connection instead of answering. */
  destroy?: boolean;
}

export type Handler = (req: Recorded) => Reply | Promise<Reply>;

export interface RecordingServer {
  url: string;
  /** Requests whose client went away before they were answered (cancellation, timeouts). */
  aborted: Recorded[];
  requests: Recorded[];
  setHandler(handler: Handler): void;
  reset(): void;
  close(): Promise<void>;
}

export const defaultHandler: Handler = (req) => ({
  status: 200,
  body: { data: { ok: true, method: req.method, path: req.path } },
});

function parseQuery(search: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) {
    const all = search.getAll(key);
    out[key] = all.length > 1 ? all : (all[0] as string);
  }
  return out;
}

export async function startRecordingServer(): Promise<RecordingServer> {
  const requests: Recorded[] = [];
  const aborted: Recorded[] = [];
  let handler: Handler = defaultHandler;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://x');
      let body: unknown;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        body = rawBody;
      }
      const recorded: Recorded = {
        method: req.method ?? '',
        path: url.pathname,
        query: parseQuery(url.searchParams),
        headers: req.headers,
        body,
        rawBody,
      };
      res.on('close', () => {
        if (!res.writableFinished) aborted.push(recorded);
      });
      requests.push(recorded);
      const reply = await handler(recorded);
      if (reply.delayMs) {
        await new Promise((r) => setTimeout(r, reply.delayMs));
        if (res.destroyed || req.destroyed) return;
      }
      if (reply.destroy) {
        req.socket.destroy();
        return;
      }
      const text = reply.raw ?? JSON.stringify(reply.body ?? null);
      res.writeHead(reply.status ?? 200, {
        'content-type': 'application/json',
        'x-request-id': 'req_0123456789abcdef01234567',
        ...reply.headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    aborted,
    setHandler(h) {
      handler = h;
    },
    reset() {
      requests.length = 0;
      aborted.length = 0;
      handler = defaultHandler;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
