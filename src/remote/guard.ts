/**
 * DNS-rebinding protection and CORS. Every request must name an allowed Host (a page on an
 * attacker's domain that re-points its DNS at this server still sends its own Host). Browser
 * requests to /mcp must come from an allowed Origin; those get CORS headers, others a 403.
 * Written on node:http types: /mcp is served without express (src/remote/app.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface GuardOptions {
  /** Hostnames without port, lowercase (`localhost`, `127.0.0.1`, `[::1]`, `mcp.example.com`). */
  readonly allowedHosts: readonly string[];
  /** Full origins (`https://app.example.com`). */
  readonly allowedOrigins: readonly string[];
}

function hostnameOf(host: string | undefined): string | undefined {
  if (!host) return undefined;
  try {
    return new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, value: object): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(body);
}

/** A check of the Host header; the last Host seen is remembered (clients send the same one). */
export function hostCheck(
  allowed: readonly string[],
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const set = new Set(allowed.map((h) => h.toLowerCase()));
  let lastGood: string | undefined;
  return (req, res) => {
    const host = req.headers.host;
    if (host !== undefined && host === lastGood) return true;
    const hostname = hostnameOf(host);
    if (hostname !== undefined && set.has(hostname)) {
      lastGood = host;
      return true;
    }
    sendJson(res, 403, { error: 'invalid_host', error_description: 'Host not allowed' });
    return false;
  };
}

/** The Host check as express middleware, for every route but /mcp and the probes. */
export function hostGuard(allowed: readonly string[]) {
  const check = hostCheck(allowed);
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (check(req, res)) next();
  };
}

const ALLOW_HEADERS =
  'Authorization, Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID, X-API-Key';
const EXPOSE_HEADERS = 'Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate';

/** CORS and the Origin check for /mcp; answers preflights itself. True: go on with the request. */
export function originCheck(
  allowed: readonly string[],
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const set = new Set(allowed.map((o) => o.toLowerCase()));
  return (req, res) => {
    const origin = req.headers.origin;
    if (origin === undefined) {
      // Not a browser (or a same-origin GET): nothing to check, no CORS to grant.
      if (req.method !== 'OPTIONS') return true;
      res.writeHead(204).end();
      return false;
    }
    if (!set.has(origin.toLowerCase())) {
      sendJson(res, 403, { error: 'invalid_origin', error_description: 'Origin not allowed' });
      return false;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    res.setHeader('Vary', 'Origin');
    if (req.method !== 'OPTIONS') return true;
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', ALLOW_HEADERS);
    res.setHeader('Access-Control-Max-Age', '600');
    res.writeHead(204).end();
    return false;
  };
}
