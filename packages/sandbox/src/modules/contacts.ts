/** Contacts, lists and suppressions: tables, seed and the read routes of §2.1 / §2.8. */
import { type Ctx, type Db, fail, ok, okList, type Route, type SandboxModule } from '../module.js';
import { pageParams, pagination } from '../util/pagination.js';
import { pathId, queryBool, queryInt, queryString } from '../util/query.js';
import { likeContains, Where } from '../util/where.js';
import { seedContactsModule } from './contacts-seed.js';
import { type CompanyRow, type ContactRow, contactDetail, contactListItem } from './record-views.js';

const migrations = [
  `CREATE TABLE contacts (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
     first_name TEXT, last_name TEXT, work_email TEXT,
     personal_emails TEXT NOT NULL DEFAULT '[]',
     direct_phone TEXT, mobile_phone TEXT, job_title TEXT, job_department TEXT, seniority_level TEXT,
     linkedin_url TEXT, twitter_url TEXT, facebook_url TEXT, about TEXT, confidence_score REAL,
     city TEXT, state TEXT, country TEXT,
     company_id INTEGER REFERENCES companies(id) ON DELETE SET NULL,
     owner_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
     meta_data TEXT NOT NULL DEFAULT '{}',
     custom_fields TEXT NOT NULL DEFAULT '{}',
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX contacts_org ON contacts (org_id, id);
   CREATE INDEX contacts_email ON contacts (org_id, work_email);
   CREATE INDEX contacts_company ON contacts (company_id);
   CREATE TABLE lists (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
     name TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE TABLE list_members (
     list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
     contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
     added_at TEXT NOT NULL,
     PRIMARY KEY (list_id, contact_id)
   );
   CREATE INDEX list_members_contact ON list_members (contact_id);
   CREATE TABLE suppressions (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
     contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
     channel TEXT NOT NULL CHECK (channel IN ('all', 'email', 'phone', 'linkedin')),
     category TEXT NOT NULL CHECK (category IN ('contact_initiated', 'org_initiated', 'system')),
     reason TEXT,
     created_at TEXT NOT NULL
   );
   CREATE INDEX suppressions_contact ON suppressions (contact_id);
   -- Distinct id ranges (contacts from 101, lists from 501, companies from 1001) so a contact id
   -- passed where a company id belongs fails loudly in fixtures and tests.
   INSERT INTO sqlite_sequence (name, seq) VALUES ('contacts', 100);
   INSERT INTO sqlite_sequence (name, seq) VALUES ('lists', 500);`,
];

const SELECT = `SELECT ct.*, u.name AS owner_name FROM contacts ct LEFT JOIN users u ON u.id = ct.owner_id`;

function contactFilters(ctx: Ctx): Where {
  const q = ctx.req.query;
  const where = new Where().add('ct.org_id = ?', ctx.auth.orgId);
  where.when(queryString(q, 'email'), 'lower(ct.work_email) = lower(?)');
  where.when(queryInt(q, 'list_id'), 'ct.id IN (SELECT contact_id FROM list_members WHERE list_id = ?)');
  where.when(queryInt(q, 'company_id'), 'ct.company_id = ?');
  where.when(
    queryString(q, 'name'),
    "(ct.first_name LIKE ? ESCAPE '\\' OR ct.last_name LIKE ? ESCAPE '\\' OR (ct.first_name || ' ' || ct.last_name) LIKE ? ESCAPE '\\')",
    (v) => [likeContains(v), likeContains(v), likeContains(v)],
  );
  where.when(queryString(q, 'job_title'), "ct.job_title LIKE ? ESCAPE '\\'", (v) => [likeContains(v)]);
  where.when(queryString(q, 'seniority_level'), 'lower(ct.seniority_level) = lower(?)');
  where.when(queryString(q, 'job_department'), 'lower(ct.job_department) = lower(?)');
  for (const geo of ['country', 'state', 'city'] as const) {
    where.when(queryString(q, geo), `lower(ct.${geo}) = lower(?)`);
  }
  where.when(
    queryString(q, 'company_name'),
    "ct.company_id IN (SELECT id FROM companies WHERE org_id = ct.org_id AND name LIKE ? ESCAPE '\\')",
    (v) => [likeContains(v)],
  );
  where.when(
    queryString(q, 'industry'),
    "ct.company_id IN (SELECT id FROM companies WHERE org_id = ct.org_id AND industry LIKE ? ESCAPE '\\')",
    (v) => [likeContains(v)],
  );
  return where;
}

function ownedContact(ctx: Ctx): ContactRow {
  const id = pathId(ctx.req.params, 'contact_id', 'Contact not found');
  const row = ctx.db
    .prepare<[number, string], ContactRow>(`${SELECT} WHERE ct.id = ? AND ct.org_id = ?`)
    .get(id, ctx.auth.orgId);
  if (!row) throw fail.notFound('Contact not found');
  return row;
}

/** The suppression block of §2.1.1; `all` on any record means every channel is blocked. */
export function suppressionBlock(db: Db, orgId: string, contactId: number) {
  const records = db
    .prepare<
      [string, number],
      { channel: string; category: string; reason: string | null; created_at: string }
    >(
      'SELECT channel, category, reason, created_at FROM suppressions WHERE org_id = ? AND contact_id = ? ORDER BY id',
    )
    .all(orgId, contactId);
  const channels = [...new Set(records.map((r) => r.channel))];
  return {
    is_suppressed: records.length > 0,
    active_channels: channels.includes('all') ? ['all'] : channels,
    records,
  };
}

const listContacts: Route = {
  method: 'GET',
  path: '/contacts',
  scope: 'contacts:read',
  summary: 'Search contacts in the CRM',
  handler(ctx) {
    const includeCustom = queryBool(ctx.req.query, 'include_custom_fields');
    const where = contactFilters(ctx);
    const page = pageParams(ctx.req.query);
    const total =
      ctx.db
        .prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM contacts ct WHERE ${where.sql()}`)
        .get(...where.params)?.n ?? 0;
    const rows = ctx.db
      .prepare<unknown[], ContactRow>(`${SELECT} WHERE ${where.sql()} ORDER BY ct.id LIMIT ? OFFSET ?`)
      .all(...where.params, page.limit, page.offset);
    return okList(
      rows.map((r) => contactListItem(r, includeCustom)),
      pagination(page, total),
    );
  },
};

const getContact: Route = {
  method: 'GET',
  path: '/contacts/:contact_id',
  scope: 'contacts:read',
  summary: 'Get one contact with its company',
  handler(ctx) {
    const includeCustom = queryBool(ctx.req.query, 'include_custom_fields');
    const row = ownedContact(ctx);
    const company =
      row.company_id === null
        ? undefined
        : ctx.db
            .prepare<[number, string], CompanyRow>('SELECT * FROM companies WHERE id = ? AND org_id = ?')
            .get(row.company_id, ctx.auth.orgId);
    return ok(contactDetail(row, includeCustom, company));
  },
};

const getSuppression: Route = {
  method: 'GET',
  path: '/contacts/:contact_id/suppression',
  scope: 'contacts:read',
  summary: "A contact's suppression state by channel",
  handler(ctx) {
    const row = ownedContact(ctx);
    return ok(suppressionBlock(ctx.db, ctx.auth.orgId, row.id));
  },
};

export const contactsModule: SandboxModule = {
  name: 'contacts',
  migrations,
  seed: seedContactsModule,
  routes: [listContacts, getContact, getSuppression],
};
