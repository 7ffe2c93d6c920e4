/**
 * The address a request comes from, for per-client limits. With G8_TRUST_PROXY (express "trust
 * proxy" true), the client X-Forwarded-For names — its first entry, as express's req.ip —
 * otherwise the socket's peer, and X-Forwarded-For is ignored (anyone can send it).
 */
import type { IncomingMessage } from 'node:http';

export function clientAddress(req: IncomingMessage, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress;
}
