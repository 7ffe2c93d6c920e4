/** Repository, scan and patch-set tables with their API views (§2.6.1). */
import { type Db, fail } from '../../module.js';
import { readJson } from '../../util/json.js';

export const migrations: readonly string[] = [
  `CREATE TABLE repo_repos (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    repo_url TEXT NOT NULL,
    url_key TEXT NOT NULL,
    repo_name TEXT NOT NULL,
    provider TEXT NOT NULL,
    default_branch TEXT NOT NULL,
    write_key TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (org_id, url_key)
  )`,
  `CREATE TABLE repo_scans (
    id TEXT PRIMARY KEY,
    repo_id TEXT NOT NULL REFERENCES repo_repos(id),
    tech_stack TEXT NOT NULL,
    api_routes TEXT NOT NULL,
    readme_summary TEXT,
    product_type TEXT,
    gtm_readiness TEXT NOT NULL,
    scan_duration_ms INTEGER,
    created_at TEXT NOT NULL
  )`,
  'CREATE INDEX repo_scans_repo ON repo_scans(repo_id, created_at)',
  `CREATE TABLE repo_patch_sets (
    id TEXT PRIMARY KEY,
    repo_id TEXT NOT NULL REFERENCES repo_repos(id),
    status TEXT NOT NULL,
    patches TEXT NOT NULL,
    created_at TEXT NOT NULL,
    applied_at TEXT
  )`,
  'CREATE INDEX repo_patch_sets_repo ON repo_patch_sets(repo_id, created_at)',
];

export interface RepoRow {
  id: string;
  org_id: string;
  repo_url: string;
  url_key: string;
  repo_name: string;
  provider: string;
  default_branch: string;
  write_key: string | null;
  created_at: string;
  updated_at: string;
}

export interface ScanRow {
  id: string;
  repo_id: string;
  tech_stack: string;
  api_routes: string;
  readme_summary: string | null;
  product_type: string | null;
  gtm_readiness: string;
  scan_duration_ms: number | null;
  created_at: string;
}

export interface PatchSetRow {
  id: string;
  repo_id: string;
  status: string;
  patches: string;
  created_at: string;
  applied_at: string | null;
}

/** One repository per URL, whatever its spelling (case, trailing slash, `.git`). */
export function urlKey(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
}

export function findRepo(db: Db, orgId: string, id: string): RepoRow {
  const row = db.prepare('SELECT * FROM repo_repos WHERE id = ? AND org_id = ?').get(id, orgId) as
    | RepoRow
    | undefined;
  if (!row) throw fail.notFound('Repository not found');
  return row;
}

export function latestScan(db: Db, repoId: string): ScanRow | undefined {
  return db
    .prepare('SELECT * FROM repo_scans WHERE repo_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1')
    .get(repoId) as ScanRow | undefined;
}

export function latestPatchSet(db: Db, repoId: string): PatchSetRow | undefined {
  return db
    .prepare('SELECT * FROM repo_patch_sets WHERE repo_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1')
    .get(repoId) as PatchSetRow | undefined;
}

export function repoView(db: Db, r: RepoRow) {
  const scan = latestScan(db, r.id);
  const applied = db
    .prepare("SELECT 1 FROM repo_patch_sets WHERE repo_id = ? AND status = 'APPLIED'")
    .get(r.id);
  return {
    id: r.id,
    repo_url: r.repo_url,
    repo_name: r.repo_name,
    provider: r.provider,
    default_branch: r.default_branch,
    status: applied ? 'installed' : scan ? 'scanned' : 'connected',
    has_write_key: r.write_key !== null,
    // A browser-side tracking key (it ships in the site's bundle), not an API credential.
    write_key: r.write_key,
    last_scan_at: scan?.created_at ?? null,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

export function scanView(s: ScanRow) {
  return {
    scan_id: s.id,
    repo_id: s.repo_id,
    tech_stack: readJson<Record<string, unknown>>(s.tech_stack, {}),
    api_routes: readJson<unknown[]>(s.api_routes, []),
    readme_summary: s.readme_summary,
    product_type: s.product_type,
    gtm_readiness: readJson<Record<string, unknown>>(s.gtm_readiness, {}),
    scan_duration_ms: s.scan_duration_ms,
    created_at: s.created_at,
  };
}

export function patchSetView(p: PatchSetRow) {
  return {
    patch_set_id: p.id,
    repo_id: p.repo_id,
    status: p.status,
    patches: readJson<unknown[]>(p.patches, []),
    created_at: p.created_at,
    applied_at: p.applied_at,
  };
}
