/** Companies and lifecycle stages: tables, seed and the read routes of §2.1 / §2.8. */
import { type Ctx, fail, ok, okList, type Route, type SandboxModule } from '../module.js';
import { pageParams, pagination } from '../util/pagination.js';
import { pathId, queryBool, queryInt, queryString } from '../util/query.js';
import { likeContains, Where } from '../util/where.js';
import { seedCompanies } from './companies-seed.js';
import { type CompanyRow, companyDetail, companyListItem, lifecycleRecord } from './record-views.js';

const migrations = [
  `CREATE TABLE lifecycle_stages (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
     slug TEXT NOT NULL,
     name TEXT NOT NULL,
     position INTEGER NOT NULL,
     UNIQUE (org_id, slug)
   );
   CREATE TABLE companies (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
     name TEXT NOT NULL,
     description TEXT, domain TEXT, website TEXT, industry TEXT, industry_group TEXT,
     employee_count TEXT, revenue TEXT, founded_year INTEGER,
     phone TEXT, address TEXT, city TEXT, state TEXT, zip TEXT, country TEXT,
     linkedin_url TEXT, linkedin_followers TEXT, facebook_url TEXT, twitter_url TEXT, crunchbase_url TEXT,
     logo_url TEXT,
     meta_data TEXT NOT NULL DEFAULT '{}',
     custom_fields TEXT NOT NULL DEFAULT '{}',
     lifecycle_stage TEXT, status TEXT, custom_status TEXT, subscription_status TEXT, mrr_cents INTEGER,
     owner_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX companies_org ON companies (org_id, id);
   CREATE INDEX companies_domain ON companies (org_id, domain);
   -- Company ids start at 1001 so they never collide with contact ids in fixtures and tests.
   INSERT INTO sqlite_sequence (name, seq) VALUES ('companies', 1000);`,
];

const SELECT = `SELECT c.*, u.name AS owner_name FROM companies c LEFT JOIN users u ON u.id = c.owner_id`;

/** The upstream filter set (§2.1): exact domain/geo, partial text, numeric ranges on text columns. */
function companyFilters(ctx: Ctx): Where {
  const q = ctx.req.query;
  const where = new Where().add('c.org_id = ?', ctx.auth.orgId);
  where.when(queryString(q, 'domain'), 'lower(c.domain) = lower(?)');
  where.when(queryString(q, 'name'), "c.name LIKE ? ESCAPE '\\'", (v) => [likeContains(v)]);
  where.when(queryString(q, 'industry'), "c.industry LIKE ? ESCAPE '\\'", (v) => [likeContains(v)]);
  where.when(queryString(q, 'description'), "c.description LIKE ? ESCAPE '\\'", (v) => [likeContains(v)]);
  for (const geo of ['country', 'state', 'city'] as const) {
    where.when(queryString(q, geo), `lower(c.${geo}) = lower(?)`);
  }
  const ranges = [
    ['employee_count', 'CAST(c.employee_count AS INTEGER)'],
    ['revenue', 'CAST(c.revenue AS INTEGER)'],
    ['founded_year', 'c.founded_year'],
    ['linkedin_followers', 'CAST(c.linkedin_followers AS INTEGER)'],
  ] as const;
  for (const [name, column] of ranges) {
    where.when(queryInt(q, `${name}_min`, { min: 0 }), `${column} >= ?`);
    where.when(queryInt(q, `${name}_max`, { min: 0 }), `${column} <= ?`);
  }
  return where;
}

const listCompanies: Route = {
  method: 'GET',
  path: '/companies',
  scope: 'companies:read',
  summary: 'Search companies in the CRM',
  handler(ctx) {
    const includeCustom = queryBool(ctx.req.query, 'include_custom_fields');
    const where = companyFilters(ctx);
    const page = pageParams(ctx.req.query);
    const total =
      ctx.db
        .prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM companies c WHERE ${where.sql()}`)
        .get(...where.params)?.n ?? 0;
    const rows = ctx.db
      .prepare<unknown[], CompanyRow>(`${SELECT} WHERE ${where.sql()} ORDER BY c.id LIMIT ? OFFSET ?`)
      .all(...where.params, page.limit, page.offset);
    return okList(
      rows.map((r) => companyListItem(r, includeCustom)),
      pagination(page, total),
    );
  },
};

const getCompany: Route = {
  method: 'GET',
  path: '/companies/:company_id',
  scope: 'companies:read',
  summary: 'Get one company',
  handler(ctx) {
    const includeCustom = queryBool(ctx.req.query, 'include_custom_fields');
    const id = pathId(ctx.req.params, 'company_id', 'Company not found');
    const row = ctx.db
      .prepare<[number, string], CompanyRow>(`${SELECT} WHERE c.id = ? AND c.org_id = ?`)
      .get(id, ctx.auth.orgId);
    if (!row) throw fail.notFound('Company not found');
    const contacts = ctx.db
      .prepare<[number, string], { n: number }>(
        'SELECT count(*) AS n FROM contacts WHERE company_id = ? AND org_id = ?',
      )
      .get(id, ctx.auth.orgId);
    return ok(companyDetail(row, includeCustom, contacts?.n ?? 0));
  },
};

const stageRecords: Route = {
  method: 'GET',
  path: '/lifecycle-stages/:stage/records',
  scope: 'deals:read',
  summary: 'Companies in a lifecycle stage (slug or stage id)',
  handler(ctx) {
    const includeCustom = queryBool(ctx.req.query, 'include_custom_fields');
    const key = ctx.req.params.stage ?? '';
    const stage = ctx.db
      .prepare<[string, string, string], { slug: string }>(
        'SELECT slug FROM lifecycle_stages WHERE org_id = ? AND (lower(slug) = lower(?) OR CAST(id AS TEXT) = ?)',
      )
      .get(ctx.auth.orgId, key, key);
    if (!stage) throw fail.notFound('Lifecycle stage not found');
    const page = pageParams(ctx.req.query);
    const total =
      ctx.db
        .prepare<[string, string], { n: number }>(
          'SELECT count(*) AS n FROM companies WHERE org_id = ? AND lifecycle_stage = ?',
        )
        .get(ctx.auth.orgId, stage.slug)?.n ?? 0;
    const rows = ctx.db
      .prepare<[string, string, number, number], CompanyRow>(
        `${SELECT} WHERE c.org_id = ? AND c.lifecycle_stage = ? ORDER BY c.id LIMIT ? OFFSET ?`,
      )
      .all(ctx.auth.orgId, stage.slug, page.limit, page.offset);
    return okList(
      rows.map((r) => lifecycleRecord(r, includeCustom)),
      pagination(page, total),
    );
  },
};

export const companiesModule: SandboxModule = {
  name: 'companies',
  migrations,
  seed: seedCompanies,
  routes: [listCompanies, getCompany, stageRecords],
};
