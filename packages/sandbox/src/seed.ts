/**
 * First-start seeding: when no org exists, every module's seed runs in registry order inside one
 * transaction with one deterministic PRNG, so a fresh database is always the same fixture set
 * (only timestamps, relative to now, and the random API-key tokens differ).
 */
import type { Db, SandboxModule } from './module.js';
import { Dice, mulberry32 } from './util/rng.js';

/** Fixed seed: "g8sb". */
const SEED = 0x67387362;

export function seedIfEmpty(db: Db, modules: readonly SandboxModule[], nowMs: number): boolean {
  const orgs = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM orgs').get()?.n ?? 0;
  if (orgs > 0) return false;
  const rng = mulberry32(SEED);
  const dice = new Dice(rng);
  const ctx = { orgId: `org_${dice.hex(24)}`, otherOrgId: `org_${dice.hex(24)}`, rng, now: nowMs };
  db.transaction(() => {
    for (const mod of modules) mod.seed(db, ctx);
  })();
  return true;
}
