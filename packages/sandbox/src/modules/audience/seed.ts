/**
 * Connected ad platforms (Meta, LinkedIn, Google; X deliberately not connected) and a few sync
 * configs with run history: healthy, inactive, and one whose last run failed with errors.
 */
import type { Db, SeedContext } from '../../module.js';
import { seedIds } from '../../util/ids.js';
import { orgLists, orgName } from '../../util/org.js';
import { Dice } from '../../util/rng.js';
import { DAY_MS, iso } from '../../util/time.js';
import { platformAudienceId } from './schema.js';

interface ConfigPlan {
  listIndex: number;
  platform: string;
  mode: string;
  cadence: number;
  active: boolean;
  /** Outcomes of past runs, oldest first, one per cadence period. */
  runs: readonly ('completed' | 'failed')[];
}

const PLANS: readonly ConfigPlan[] = [
  {
    listIndex: 0,
    platform: 'meta',
    mode: 'mirror',
    cadence: 24,
    active: true,
    runs: ['completed', 'completed', 'failed', 'completed', 'completed'],
  },
  {
    listIndex: 1,
    platform: 'linkedin',
    mode: 'append_only',
    cadence: 168,
    active: true,
    runs: ['completed', 'completed'],
  },
  { listIndex: 0, platform: 'google', mode: 'mirror', cadence: 24, active: false, runs: ['completed'] },
  {
    listIndex: 2,
    platform: 'meta',
    mode: 'mirror',
    cadence: 12,
    active: true,
    runs: ['completed', 'failed'],
  },
];

const FAILURES = [
  {
    code: 'TOKEN_EXPIRED',
    message: 'The Meta access token expired; reconnect the ad account',
    details: { http_status: 190 },
  },
  {
    code: 'MATCH_RATE_TOO_LOW',
    message: 'Fewer than 20% of members matched a platform user',
    details: { matched: 31, submitted: 214 },
  },
];

function seedOrg(
  db: Db,
  orgId: string,
  platforms: readonly [string, string][],
  plans: readonly ConfigPlan[],
  seed: SeedContext,
  dice: Dice,
) {
  const company = orgName(db, orgId);
  const insertPlatform = db.prepare(
    'INSERT INTO aud_platforms (org_id, platform, status, account_name, ad_account_id) VALUES (?, ?, ?, ?, ?)',
  );
  for (const [platform, status] of platforms) {
    insertPlatform.run(
      orgId,
      platform,
      status,
      `${company} (${platform} ads)`,
      `act_${dice.int(10_000_000, 99_999_999)}`,
    );
  }
  const lists = orgLists(db, orgId);
  const ids = seedIds(dice);
  const digits = (n: number) => Array.from({ length: n }, () => dice.int(0, 9)).join('');
  for (const plan of plans) {
    const list = lists[plan.listIndex % Math.max(lists.length, 1)];
    if (!list) return;
    const periodMs = plan.cadence * 3_600_000;
    const createdMs = seed.now - (plan.runs.length + 1) * periodMs - DAY_MS;
    const created = iso(createdMs);
    const config = db
      .prepare(
        `INSERT INTO aud_syncs (org_id, audience_id, platform, mode, refresh_cadence_hours, platform_audience_name,
          platform_audience_id, is_active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        orgId,
        list.id,
        plan.platform,
        plan.mode,
        plan.cadence,
        `graph8 – ${list.name}`,
        platformAudienceId(plan.platform, digits),
        plan.active ? 1 : 0,
        created,
        created,
      );
    const configId = Number(config.lastInsertRowid);
    let total = 0;
    plan.runs.forEach((outcome, i) => {
      const runId = ids('run');
      const target = Math.max(0, list.member_count - (plan.runs.length - 1 - i) * dice.int(0, 3));
      const added = outcome === 'completed' ? Math.max(0, target - total) : 0;
      if (outcome === 'completed') total = target;
      const failure = FAILURES[i % FAILURES.length] ?? FAILURES[0];
      db.prepare(
        `INSERT INTO aud_runs (id, config_id, trigger, created_ms, outcome, members_added, members_removed, members_total,
          error_message) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`,
      ).run(
        runId,
        configId,
        i === 0 ? 'manual' : 'scheduled',
        createdMs + (i + 1) * periodMs,
        outcome,
        added,
        total,
        outcome === 'failed' ? (failure?.message ?? null) : null,
      );
      if (outcome === 'failed' && failure) {
        db.prepare(
          'INSERT INTO aud_errors (run_id, config_id, error_code, error_message, details) VALUES (?, ?, ?, ?, ?)',
        ).run(runId, configId, failure.code, failure.message, JSON.stringify(failure.details));
      }
    });
  }
}

export function seedAudience(db: Db, seed: SeedContext): void {
  const dice = new Dice(seed.rng);
  seedOrg(
    db,
    seed.orgId,
    [
      ['meta', 'connected'],
      ['linkedin', 'connected'],
      ['google', 'connected'],
      ['x', 'disconnected'],
    ],
    PLANS,
    seed,
    dice,
  );
  seedOrg(db, seed.otherOrgId, [['meta', 'connected']], [PLANS[0] as ConfigPlan], seed, dice);
}
