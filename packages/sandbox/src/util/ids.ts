/**
 * Every id the sandbox makes: request ids, API-key ids and token bodies (from the OS CSPRNG), and
 * row ids, random at run time and drawn from the seed's dice while seeding.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Dice } from './rng.js';

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

/** Makes ids for new rows: random at run time, deterministic while seeding. */
export type IdMaker = (prefix: string) => string;

/** `prefix_` + 16 lowercase hex, the opaque id style of the contract's examples (`seq_abc`). */
export const newId: IdMaker = (prefix) => `${prefix}_${randomBytes(8).toString('hex')}`;

export function seedIds(dice: Dice): IdMaker {
  return (prefix) => `${prefix}_${dice.hex(16)}`;
}

/** A UUID v4 from the seed's dice, for records the contract types as UUIDs (campaigns). */
export function seedUuid(dice: Dice): string {
  const h = dice.hex(32);
  const variant = '89ab'[Math.floor(dice.rng() * 4)] ?? '8';
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
