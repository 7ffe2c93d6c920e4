/**
 * The JSON body of a POST /mcp, read once from the socket: the era decision (isLegacyRequest)
 * and both legs (createMcpHandler, the 2025 session transport) take it parsed, so no second read
 * or web-stream conversion of the bytes. The SDK asks hand-wired routing to refuse non-JSON
 * content types itself (415), which mcp-route.ts does before calling this.
 */
import type { IncomingMessage } from 'node:http';
import { DEFAULT_MAX_REQUEST_BODY_SIZE, isJsonContentType } from '@modelcontextprotocol/server';

export const MAX_BODY_BYTES = DEFAULT_MAX_REQUEST_BODY_SIZE;

export type BodyOutcome =
  | { readonly ok: true; readonly body: unknown }
  | { readonly ok: false; readonly status: number; readonly code: number; readonly message: string };

const NOT_RECEIVED: BodyOutcome = {
  ok: false,
  status: 400,
  code: -32700,
  message: 'Parse error: the body was not received',
};

export function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<BodyOutcome> {
  if (req.method !== 'POST' || !isJsonContentType(req.headers['content-type'])) {
    return Promise.resolve({ ok: true, body: undefined });
  }
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.resolve(tooLarge(req, limit));
  // Gone while it was being authenticated: 'end' will never come.
  if (req.destroyed) return Promise.resolve(NOT_RECEIVED);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.off('end', onEnd);
        resolve(tooLarge(req, limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      const buffer = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      // A byte-order mark is not JSON, but express.json and the SDK both skip it.
      const text = buffer.toString('utf8').replace(/^\uFEFF/, '');
      try {
        resolve({ ok: true, body: JSON.parse(text) });
      } catch {
        resolve({ ok: false, status: 400, code: -32700, message: 'Parse error: Invalid JSON' });
      }
    };
    req.on('data', onData);
    req.on('end', onEnd);
    // Resolving twice is harmless: after 'end' these settle nothing.
    req.once('close', () => resolve(NOT_RECEIVED));
    req.once('error', () => resolve(NOT_RECEIVED));
  });
}

function tooLarge(req: IncomingMessage, limit: number): BodyOutcome {
  // Drain what is left so the connection can be reused for the error answer.
  req.resume();
  return {
    ok: false,
    status: 413,
    code: -32000,
    message: `Payload Too Large: Request body must not exceed ${limit} bytes`,
  };
}
