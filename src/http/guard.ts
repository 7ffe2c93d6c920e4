/**
 * DNS-rebinding protection and CORS. Every request must name an allowed Host (a page on an
 * attacker's domain that re-points its DNS at this server still sends its own Host). Browser
 * requests to /mcp must come from an allowed Origin; those get CORS headers, others a 403.
 */
import type { NextFunction, Request, Response } from 'express';

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

export function hostGuard(allowed: readonly string[]) {
  const set = new Set(allowed.map((h) => h.toLowerCase()));
  return (req: Request, res: Response, next: NextFunction): void => {
    const hostname = hostnameOf(req.headers.host);
    if (hostname !== undefined && set.has(hostname)) {
      next();
      return;
    }
    res.status(403).json({ error: 'invalid_host', error_description: 'Host not allowed' });
  };
}

const ALLOW_HEADERS =
  'Authorization, Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID, X-API-Key';
const EXPOSE_HEADERS = 'Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate';

/** CORS and the Origin check for /mcp; answers preflights itself. */
export function originGuard(allowed: readonly string[]) {
  const set = new Set(allowed.map((o) => o.toLowerCase()));
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.headers.origin;
    if (origin === undefined) {
      // Not a browser (or a same-origin GET): nothing to check, no CORS to grant.
      if (req.method === 'OPTIONS') res.status(204).end();
      else next();
      return;
    }
    if (!set.has(origin.toLowerCase())) {
      res.status(403).json({ error: 'invalid_origin', error_description: 'Origin not allowed' });
      return;
    }
    res.set({
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Expose-Headers': EXPOSE_HEADERS,
      Vary: 'Origin',
    });
    if (req.method === 'OPTIONS') {
      res.set({
        'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
        'Access-Control-Allow-Headers': ALLOW_HEADERS,
        'Access-Control-Max-Age': '600',
      });
      res.status(204).end();
      return;
    }
    next();
  };
}
