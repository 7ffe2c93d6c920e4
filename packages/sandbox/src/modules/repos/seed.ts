/**
 * One connected, scanned Next.js app (ready for g8_install_spine) and one marketing site with no
 * scan yet (install answers 409 scan_required); the other org has its own repo for 404 tests.
 */
import type { Db, SeedContext } from '../../module.js';
import { type IdMaker, seedIds } from '../../util/ids.js';
import { orgName } from '../../util/org.js';
import { Dice } from '../../util/rng.js';
import { DAY_MS, iso } from '../../util/time.js';
import { urlKey } from './schema.js';

function insertRepo(
  db: Db,
  ids: IdMaker,
  dice: Dice,
  orgId: string,
  url: string,
  name: string,
  createdMs: number,
): string {
  const id = ids('repo');
  const at = iso(createdMs);
  db.prepare(
    `INSERT INTO repo_repos (id, org_id, repo_url, url_key, repo_name, provider, default_branch, write_key, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'github', 'main', ?, ?, ?)`,
  ).run(id, orgId, url, urlKey(url), name, `wk_${dice.hex(24)}`, at, at);
  return id;
}

export function seedRepos(db: Db, seed: SeedContext): void {
  const dice = new Dice(seed.rng);
  const ids = seedIds(dice);
  const owner =
    orgName(db, seed.orgId)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'acme';
  const app = insertRepo(
    db,
    ids,
    dice,
    seed.orgId,
    `https://github.com/${owner}/web-app`,
    `${owner}/web-app`,
    seed.now - 14 * DAY_MS,
  );
  insertRepo(
    db,
    ids,
    dice,
    seed.orgId,
    `https://github.com/${owner}/marketing-site`,
    `${owner}/marketing-site`,
    seed.now - 2 * DAY_MS,
  );
  db.prepare(
    `INSERT INTO repo_scans (id, repo_id, tech_stack, api_routes, readme_summary, product_type, gtm_readiness,
      scan_duration_ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    ids('scan'),
    app,
    JSON.stringify({
      framework: 'nextjs',
      framework_version: '15.1',
      language: 'typescript',
      package_manager: 'pnpm',
      hosting: 'vercel',
      auth: 'next-auth',
    }),
    JSON.stringify([
      { method: 'POST', path: '/api/signup' },
      { method: 'POST', path: '/api/auth/login' },
      { method: 'POST', path: '/api/demo-request' },
      { method: 'GET', path: '/api/pricing' },
      { method: 'GET', path: '/api/forecast/:team_id' },
    ]),
    'Revenue forecasting web app: connects to the CRM, scores every open deal for risk and rolls the numbers up by team. Self-serve trial with a demo-request form for larger teams.',
    'b2b_saas',
    JSON.stringify({
      has_analytics: false,
      has_forms: true,
      has_identity: true,
      has_utm_capture: false,
      has_pricing_page: true,
    }),
    4810,
    iso(seed.now - 13 * DAY_MS),
  );
  const other =
    orgName(db, seed.otherOrgId)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'other';
  insertRepo(
    db,
    ids,
    dice,
    seed.otherOrgId,
    `https://github.com/${other}/app`,
    `${other}/app`,
    seed.now - 5 * DAY_MS,
  );
}
