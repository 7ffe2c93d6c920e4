import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** `req_` + 24 lowercase hex (§1.8). */
export function newRequestId(): string {
  return `req_${randomBytes(12).toString('hex')}`;
}

/** Opaque API-key id, `key_` + 24 hex. */
export function newKeyId(): string {
  return `key_${randomBytes(12).toString('hex')}`;
}

export function newUuid(): string {
  return randomUUID();
}

/**
 * 40 URL-safe random characters (base64url of 30 bytes): above the contract's 32-char floor and
 * from the OS CSPRNG, because these are real credentials for this server.
 */
export function newTokenBody(): string {
  return randomBytes(30).toString('base64url');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
