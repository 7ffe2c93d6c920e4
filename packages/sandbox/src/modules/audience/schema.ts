/**
 * Audience-sync tables and views (§2.4.1). A run's status is derived from its age (queued for 1 s,
 * running until 3 s, then its stored outcome), so a client polling /runs sees real transitions
 * without any background worker; the config's status and last sync follow from its runs.
 */
import { type Db, fail } from '../../module.js';
import { iso } from '../../util/time.js';

export const migrations: readonly string[] = [
  `CREATE TABLE aud_platforms (
    org_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    status TEXT NOT NULL,
    account_name TEXT,
    ad_account_id TEXT,
    PRIMARY KEY (org_id, platform)
  )`,
  `CREATE TABLE aud_syncs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id TEXT NOT NULL,
    audience_id INTEGER NOT NULL,
    platform TEXT NOT NULL,
    mode TEXT NOT NULL,
    refresh_cadence_hours INTEGER NOT NULL,
    platform_audience_name TEXT NOT NULL,
    platform_audience_id TEXT NOT NULL,
    is_active INTEGER NOT NULL DEFAULT 1,
    deleted_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`,
  'CREATE INDEX aud_syncs_org ON aud_syncs(org_id)',
  `CREATE TABLE aud_runs (
    id TEXT PRIMARY KEY,
    config_id INTEGER NOT NULL,
    trigger TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    members_added INTEGER NOT NULL,
    members_removed INTEGER NOT NULL,
    members_total INTEGER NOT NULL,
    error_message TEXT
  )`,
  'CREATE INDEX aud_runs_config ON aud_runs(config_id, created_ms)',
  `CREATE TABLE aud_errors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    config_id INTEGER NOT NULL,
    error_code TEXT NOT NULL,
    error_message TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}'
  )`,
  // Sandbox addition: a run cancelled while in flight (POST …/runs/{run_id}/cancel).
  'ALTER TABLE aud_runs ADD COLUMN cancelled_ms INTEGER',
];

export const PLATFORMS = ['meta', 'linkedin', 'google', 'x'] as const;
export const QUEUED_MS = 1_000;
export const DONE_MS = 3_000;

export interface SyncRow {
  id: number;
  org_id: string;
  audience_id: number;
  platform: string;
  mode: string;
  refresh_cadence_hours: number;
  platform_audience_name: string;
  platform_audience_id: string;
  is_active: number;
  deleted_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface RunRow {
  id: string;
  config_id: number;
  trigger: string;
  created_ms: number;
  outcome: string;
  members_added: number;
  members_removed: number;
  members_total: number;
  error_message: string | null;
  cancelled_ms: number | null;
}

/** Queued or running: not finished, not cancelled. */
export function inFlight(run: RunRow, now: number): boolean {
  return run.cancelled_ms === null && now - run.created_ms < DONE_MS;
}

export function runStatus(run: RunRow, now: number): string {
  if (run.cancelled_ms !== null) return 'cancelled';
  const age = now - run.created_ms;
  if (age < QUEUED_MS) return 'queued';
  if (age < DONE_MS) return 'running';
  return run.outcome;
}

export function runView(run: RunRow, now: number) {
  const status = runStatus(run, now);
  const terminal = status === 'completed' || status === 'failed';
  return {
    id: run.id,
    config_id: run.config_id,
    status,
    trigger: run.trigger,
    // Counters are only known once the platform has answered.
    members_added: terminal ? run.members_added : null,
    members_removed: terminal ? run.members_removed : null,
    members_total: terminal ? run.members_total : null,
    started_at: status === 'queued' ? null : iso(run.created_ms + QUEUED_MS),
    completed_at: terminal
      ? iso(run.created_ms + DONE_MS)
      : run.cancelled_ms !== null
        ? iso(run.cancelled_ms)
        : null,
    error_message: status === 'failed' ? run.error_message : null,
  };
}

/** A live (not deleted) sync config of the org, or the 404. */
export function findSync(db: Db, orgId: string, id: number): SyncRow {
  const row = db
    .prepare('SELECT * FROM aud_syncs WHERE id = ? AND org_id = ? AND deleted_at IS NULL')
    .get(id, orgId) as SyncRow | undefined;
  if (!row) throw fail.notFound('Audience sync not found');
  return row;
}

export function runsOf(db: Db, configId: number): RunRow[] {
  return db
    .prepare('SELECT * FROM aud_runs WHERE config_id = ? ORDER BY created_ms DESC, rowid DESC')
    .all(configId) as RunRow[];
}

export function syncView(db: Db, s: SyncRow, now: number) {
  const runs = runsOf(db, s.id);
  const syncing = runs.some((r) => inFlight(r, now));
  const finished = runs.filter((r) => r.cancelled_ms === null && now - r.created_ms >= DONE_MS);
  const lastDone = finished.find((r) => r.outcome === 'completed');
  const lastSyncedMs = lastDone ? lastDone.created_ms + DONE_MS : null;
  const list = db
    .prepare('SELECT name FROM lists WHERE id = ? AND org_id = ?')
    .get(s.audience_id, s.org_id) as { name: string } | undefined;
  let status = 'pending';
  if (s.is_active === 0) status = 'inactive';
  else if (syncing) status = 'syncing';
  else if (finished[0]?.outcome === 'failed') status = 'error';
  else if (lastDone) status = 'ready';
  const base = lastSyncedMs ?? Date.parse(s.created_at);
  return {
    id: s.id,
    audience_id: s.audience_id,
    audience_name: list?.name ?? null,
    platform: s.platform,
    mode: s.mode,
    refresh_cadence_hours: s.refresh_cadence_hours,
    platform_audience_name: s.platform_audience_name,
    platform_audience_id: s.platform_audience_id,
    is_active: s.is_active === 1,
    status,
    last_synced_at: lastSyncedMs === null ? null : iso(lastSyncedMs),
    next_sync_at: s.is_active === 1 ? iso(base + s.refresh_cadence_hours * 3_600_000) : null,
    member_count: lastDone?.members_total ?? 0,
    created_at: s.created_at,
    updated_at: s.updated_at,
  };
}

/** An id in the platform's own format, so the value looks like what the ad platform returns. */
export function platformAudienceId(platform: string, digits: (n: number) => string): string {
  if (platform === 'meta') return `23851${digits(12)}`;
  if (platform === 'linkedin') return `urn:li:adSegment:${digits(8)}`;
  if (platform === 'google') return `customers/${digits(10)}/userLists/${digits(10)}`;
  return `tailored_audience_${digits(10)}`;
}
