import { randomBytes } from 'node:crypto';
import type { Dice } from '../../util/rng.js';

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
