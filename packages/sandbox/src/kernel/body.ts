/**
 * Request bodies. The raw bytes are drained up front (the socket must be read either way) but
 * parsed only after auth and scope checks, because §1.5 puts 422 after 401/429/403.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../module.js';

export const MAX_BODY_BYTES = 1_048_576;

/** Resolves with the body, or null when it exceeded the limit (the rest is discarded). */
export function readRawBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** undefined for an empty body; a FastAPI-style 422 for anything that is not JSON. */
export function parseJsonBody(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(422, { detail: [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }] });
  }
}
