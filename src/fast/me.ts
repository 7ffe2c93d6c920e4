/**
 * GET /me with node's own http client, for the scope-aware first `tools/list` of the fast
 * start-up: undici (the REST client) takes ~50 ms to load, node:http a few. Same URL and headers
 * as ApiClient. Only a plain success counts: anything else (an error status, a bad body, no
 * connection) resolves to undefined and the real server reads /me itself, with its retries and
 * error handling.
 */
import type { IncomingMessage } from 'node:http';
import { type Identity, identityFromData } from '../mcp/identity.js';

const MAX_BYTES = 1024 * 1024;

export interface MeRequest {
  readonly apiUrl: string;
  readonly apiKey: string;
  readonly userAgent: string;
  readonly timeoutMs: number;
}

export async function readMe(opts: MeRequest): Promise<Identity | undefined> {
  const base = new URL(opts.apiUrl);
  const url = new URL(`${base.pathname.replace(/\/+$/, '')}/api/v1/me`, base.origin);
  const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'GET',
        headers: {
          authorization: `Bearer ${opts.apiKey}`,
          accept: 'application/json',
          'user-agent': opts.userAgent,
        },
        // One request, then the socket closes: nothing lingers once the real client takes over.
        agent: false,
        timeout: opts.timeoutMs,
      },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299 || !/[/+]json\b/i.test(res.headers['content-type'] ?? '')) {
          res.resume();
          resolve(undefined);
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BYTES) req.destroy();
          else chunks.push(c);
        });
        res.on('end', () => {
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
            // The success envelope, as ApiClient unwraps it.
            const data =
              typeof body === 'object' && body !== null && !Array.isArray(body) && 'data' in body
                ? (body as { data: unknown }).data
                : body;
            resolve(identityFromData(data));
          } catch {
            resolve(undefined);
          }
        });
        // Cut short (too large, reset): 'end' never comes. After 'end', resolving again is a no-op.
        res.on('error', () => resolve(undefined));
        res.on('close', () => resolve(undefined));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    // Closed without an answer: resolving after an answer was handled is a no-op.
    req.on('close', () => resolve(undefined));
    req.end();
  });
}
