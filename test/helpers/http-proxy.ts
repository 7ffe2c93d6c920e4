/**
 * A recording HTTP proxy in front of the sandbox: everything the MCP server (and the browser)
 * sends upstream passes through it and is kept, headers and body, so a test can prove what never
 * reached the upstream. The Host header is forwarded unchanged, so the sandbox names the proxy as
 * its issuer and its redirects and metadata keep pointing through it.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** An answer the proxy gives instead of forwarding (a fault injected upstream). */
export interface InjectedReply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

export interface ProxiedRequestTimed extends ProxiedRequest {
  readonly at: number;
  /** Answered by the proxy itself (`fault`), not forwarded. */
  readonly injected: boolean;
}

export interface RecordingProxy {
  readonly url: string;
  readonly requests: ProxiedRequestTimed[];
  /** Every byte of every request, as text, for "does this secret appear anywhere" checks. */
  transcript(): string;
  close(): Promise<void>;
}

/** Sends one request on to `upstream` as it came (Host included) and pipes the answer back. */
export function forward(upstream: URL, req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const out = request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  out.end(body);
}

export async function startRecordingProxy(
  target: string,
  fault?: (req: ProxiedRequest) => InjectedReply | undefined,
): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const requests: ProxiedRequestTimed[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const seen: ProxiedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: body.toString('utf8'),
      };
      const injected = fault?.(seen);
      requests.push({ ...seen, at: Date.now(), injected: injected !== undefined });
      if (injected) {
        res.writeHead(injected.status, { 'content-type': 'application/json', ...injected.headers });
        res.end(JSON.stringify(injected.body ?? { detail: 'injected by the test proxy' }));
        return;
      }
      forward(upstream, req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    transcript: () =>
      requests.map((r) => `${r.method} ${r.url}\n${JSON.stringify(r.headers)}\n${r.body}`).join('\n\n'),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
