/**
 * A proxy in front of the sandbox that can answer for it or hold a request back: a test sets a
 * rule per request (a 429 for the first GET of a path, a slow answer for another) and everything
 * else reaches the real sandbox unchanged.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forward } from './http-proxy.js';

export type Rule = (req: {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}) => undefined | { status: number; body: unknown; headers?: Record<string, string> } | { delayMs: number };

export interface FaultProxy {
  readonly url: string;
  setRule(rule: Rule | undefined): void;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  let rule: Rule | undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const path = (req.url ?? '/').split('?')[0] as string;
      const action = rule?.({ method: req.method ?? '', path, headers: req.headers });
      if (action && 'status' in action) {
        res.writeHead(action.status, { 'content-type': 'application/json', ...action.headers });
        res.end(JSON.stringify(action.body));
        return;
      }
      if (action && 'delayMs' in action) {
        await new Promise((r) => setTimeout(r, action.delayMs));
        if (res.destroyed) return;
      }
      forward(upstream, req, res, Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setRule: (next) => {
      rule = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
