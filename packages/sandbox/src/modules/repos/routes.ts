/** Developer-mode repository routes (§2.6): connect, scan, status, install plan and apply. */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { type Ctx, fail, ok, parse, type Route } from '../../module.js';
import { newId } from '../../util/ids.js';
import { readJson } from '../../util/json.js';
import { iso } from '../../util/time.js';
import { buildPatches } from './patches.js';
import {
  findRepo,
  latestPatchSet,
  latestScan,
  patchSetView,
  type RepoRow,
  repoView,
  scanView,
  urlKey,
} from './schema.js';

const connectBody = z
  .object({
    repo_url: z.string().trim().min(1).max(2000),
    repo_name: z.string().trim().min(1).max(255),
    provider: z.enum(['github', 'gitlab', 'local']).default('github'),
    default_branch: z.string().trim().min(1).max(255).default('main'),
  })
  .superRefine((b, ctx) => {
    // Hosted repos are addressed by their web URL; a local repo may be a file:// URL or a path.
    if (b.provider !== 'local' && !/^https?:\/\/[^\s/]+\/\S+/.test(b.repo_url)) {
      ctx.addIssue({
        code: 'custom',
        path: ['repo_url'],
        message: `repo_url must be the full https URL of the ${b.provider} repository`,
      });
    }
  });

function connect(ctx: Ctx) {
  const body = parse(connectBody, ctx.req.body, 'body');
  const key = urlKey(body.repo_url);
  const existing = ctx.db
    .prepare('SELECT id FROM repo_repos WHERE org_id = ? AND url_key = ?')
    .get(ctx.auth.orgId, key) as { id: string } | undefined;
  if (existing) throw fail.conflict(`Repository already connected (repo_id ${existing.id})`);
  const now = iso(ctx.now());
  const id = newId('repo');
  ctx.db
    .prepare(
      `INSERT INTO repo_repos (id, org_id, repo_url, url_key, repo_name, provider, default_branch, write_key, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      ctx.auth.orgId,
      body.repo_url,
      key,
      body.repo_name,
      body.provider,
      body.default_branch,
      `wk_${randomBytes(12).toString('hex')}`,
      now,
      now,
    );
  return ok(repoView(ctx.db, findRepo(ctx.db, ctx.auth.orgId, id)), 201);
}

const repoId = (ctx: Ctx) => ctx.req.params.repo_id ?? '';

/** Not in the REST contract: the g8://repos resource and id completion need a way to list repos. */
function listRepos(ctx: Ctx) {
  const rows = ctx.db
    .prepare('SELECT * FROM repo_repos WHERE org_id = ? ORDER BY created_at, id')
    .all(ctx.auth.orgId) as RepoRow[];
  return ok(rows.map((r) => repoView(ctx.db, r)));
}

function getRepo(ctx: Ctx) {
  return ok(repoView(ctx.db, findRepo(ctx.db, ctx.auth.orgId, repoId(ctx))));
}

const scanBody = z.object({
  tech_stack: z.record(z.string(), z.unknown()),
  api_routes: z
    .array(z.object({ method: z.string().trim().min(1).max(16), path: z.string().trim().min(1).max(2000) }))
    .max(2000)
    .default([]),
  readme_summary: z.string().max(20_000).optional(),
  product_type: z.string().trim().min(1).max(100).optional(),
  gtm_readiness: z.record(z.string(), z.unknown()).default({}),
  scan_duration_ms: z.number().int().min(0).optional(),
});

function postScan(ctx: Ctx) {
  const body = parse(scanBody, ctx.req.body, 'body');
  const repo = findRepo(ctx.db, ctx.auth.orgId, repoId(ctx));
  const now = iso(ctx.now());
  const id = newId('scan');
  ctx.db
    .prepare(
      `INSERT INTO repo_scans (id, repo_id, tech_stack, api_routes, readme_summary, product_type, gtm_readiness,
        scan_duration_ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      repo.id,
      JSON.stringify(body.tech_stack),
      JSON.stringify(body.api_routes),
      body.readme_summary ?? null,
      body.product_type ?? null,
      JSON.stringify(body.gtm_readiness),
      body.scan_duration_ms ?? null,
      now,
    );
  ctx.db.prepare('UPDATE repo_repos SET updated_at = ? WHERE id = ?').run(now, repo.id);
  const scan = latestScan(ctx.db, repo.id);
  return ok(scan ? scanView(scan) : null, 201);
}

function getScan(ctx: Ctx) {
  const repo = findRepo(ctx.db, ctx.auth.orgId, repoId(ctx));
  const scan = latestScan(ctx.db, repo.id);
  if (!scan) throw fail.notFound('No scan for this repository yet');
  return ok(scanView(scan));
}

function installStatus(ctx: Ctx) {
  const repo = findRepo(ctx.db, ctx.auth.orgId, repoId(ctx));
  const set = latestPatchSet(ctx.db, repo.id);
  if (!set) throw fail.notFound('No install for this repository yet');
  return ok({ patch_set_id: set.id, status: set.status, applied_at: set.applied_at });
}

function install(ctx: Ctx) {
  const repo = findRepo(ctx.db, ctx.auth.orgId, repoId(ctx));
  const scan = latestScan(ctx.db, repo.id);
  if (!scan) throw fail.conflict('scan_required');
  const patches = buildPatches(
    readJson<Record<string, unknown>>(scan.tech_stack, {}),
    readJson<{ method: string; path: string }[]>(scan.api_routes, []),
    repo.write_key,
  );
  const now = iso(ctx.now());
  // A new plan supersedes an unapplied one: there is only ever one PREVIEW to apply.
  ctx.db.prepare("DELETE FROM repo_patch_sets WHERE repo_id = ? AND status = 'PREVIEW'").run(repo.id);
  const id = newId('ps');
  ctx.db
    .prepare(
      'INSERT INTO repo_patch_sets (id, repo_id, status, patches, created_at, applied_at) VALUES (?, ?, ?, ?, ?, NULL)',
    )
    .run(id, repo.id, 'PREVIEW', JSON.stringify(patches), now);
  const set = latestPatchSet(ctx.db, repo.id);
  return ok(set ? patchSetView(set) : null, 201);
}

function apply(ctx: Ctx) {
  const repo = findRepo(ctx.db, ctx.auth.orgId, repoId(ctx));
  const preview = ctx.db
    .prepare(
      "SELECT id FROM repo_patch_sets WHERE repo_id = ? AND status = 'PREVIEW' ORDER BY created_at DESC LIMIT 1",
    )
    .get(repo.id) as { id: string } | undefined;
  if (!preview) throw fail.notFound('No PREVIEW patch set to apply: call g8_install_spine first');
  const now = iso(ctx.now());
  ctx.db
    .prepare("UPDATE repo_patch_sets SET status = 'APPLIED', applied_at = ? WHERE id = ?")
    .run(now, preview.id);
  ctx.db.prepare('UPDATE repo_repos SET updated_at = ? WHERE id = ?').run(now, repo.id);
  return ok({ patch_set_id: preview.id, status: 'APPLIED', applied_at: now });
}

export const repoRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/repos',
    scope: 'campaigns:read',
    summary: 'List connected repositories (sandbox addition for MCP resources)',
    handler: listRepos,
  },
  {
    method: 'POST',
    path: '/repos',
    scope: 'campaigns:write',
    summary: 'Connect a repository',
    handler: connect,
  },
  {
    method: 'GET',
    path: '/repos/:repo_id',
    scope: 'campaigns:read',
    summary: 'Repository connection status',
    handler: getRepo,
  },
  {
    method: 'POST',
    path: '/repos/:repo_id/scan',
    scope: 'search:run',
    summary: 'Record a client-side scan',
    handler: postScan,
  },
  {
    method: 'GET',
    path: '/repos/:repo_id/scan',
    scope: 'search:run',
    summary: 'Latest scan of a repository',
    handler: getScan,
  },
  {
    method: 'GET',
    path: '/repos/:repo_id/install/status',
    scope: 'integrations:read',
    summary: 'State of the latest install patch set',
    handler: installStatus,
  },
  {
    method: 'POST',
    path: '/repos/:repo_id/install',
    scope: 'integrations:write',
    summary: 'Generate an install patch set (preview)',
    handler: install,
  },
  {
    method: 'POST',
    path: '/repos/:repo_id/install/apply',
    scope: 'integrations:write',
    summary: 'Record that the patch set was applied',
    handler: apply,
  },
];
