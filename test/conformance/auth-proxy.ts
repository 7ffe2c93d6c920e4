// A header-injecting reverse proxy for the conformance runs.
//
// Why it exists: /mcp in remote mode requires authentication (an API key or OAuth), and the official conformance
// suite has no option to send a header. So the suite talks to this proxy, which forwards every request unchanged to
// the real server and adds `X-API-Key: <the sandbox's demo key>` only when the request carries neither
// `Authorization` nor `X-API-Key` (a scenario that sends its own credentials keeps them). Everything else passes
// through as sent, Host and Origin included, so the server's own DNS-rebinding and Origin checks still see what
// the suite sent; bodies and SSE streams are piped both ways as they arrive, never buffered, and a client that
// goes away takes its upstream request with it (and the other way round). Only hop-by-hop headers (Connection,
// Keep-Alive, Transfer-Encoding, …) are per connection and not forwarded, as for any proxy.
//
// Test-only: nothing in src/ knows about it.
import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Raw headers (name, value, name, value, …) without the hop-by-hop ones, names as the peer spelled them. */
function endToEnd(raw: readonly string[], parsed: IncomingHttpHeaders): string[] {
  // Connection may name more per-connection headers.
  const named = String(parsed.connection ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || named.includes(lower)) continue;
    out.push(name, raw[i + 1] as string);
  }
  return out;
}

export interface AuthProxy {
  /** `http://HOST:PORT`, the origin clients use. */
  readonly origin: string;
  readonly port: number;
  /** Where requests go; set once the server behind is listening (requests before that get a 503). */
  target(port: number): void;
  close(): Promise<void>;
}

export async function startAuthProxy(opts: {
  apiKey: string;
  host?: string;
  port?: number;
  upstreamHost?: string;
}): Promise<AuthProxy> {
  const host = opts.host ?? '127.0.0.1';
  const upstreamHost = opts.upstreamHost ?? '127.0.0.1';
  const agent = new Agent({ keepAlive: true });
  let targetPort: number | undefined;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (targetPort === undefined) {
      res.writeHead(503).end();
      return;
    }
    const headers = endToEnd(req.rawHeaders, req.headers);
    if (req.headers.authorization === undefined && req.headers['x-api-key'] === undefined) {
      headers.push('X-API-Key', opts.apiKey);
    }
    const upstream = request({
      host: upstreamHost,
      port: targetPort,
      method: req.method,
      path: req.url,
      headers,
      agent,
      // Node's own Host default would name the upstream port; the suite's Host is in `headers` already.
      setHost: false,
    });
    upstream.on('response', (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, endToEnd(upRes.rawHeaders, upRes.headers));
      // An SSE stream may say nothing for a while: its status and headers go out now.
      res.flushHeaders();
      pipeline(upRes, res, () => {});
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('upstream error');
      else res.destroy();
    });
    // The client left (or finished sending and then left): nothing upstream is for anyone any more.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    // pipe, not pipeline: a failed upstream must not destroy the client's socket before its 502 is out.
    req.pipe(upstream);
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    target(p) {
      targetPort = p;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
