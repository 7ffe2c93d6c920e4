/**
 * Core record routes through real HTTP: contacts (filters, pagination, cursors, detail, custom
 * fields, suppression), companies, lifecycle-stage records and mailboxes; cross-org ids are 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxHandle, startSandbox } from '../src/index.js';
import { insertKey } from '../src/kernel/keys.js';

// biome-ignore lint/suspicious/noExplicitAny: response JSON is asserted field by field
type Json = any;

interface Res {
  status: number;
  headers: Headers;
  body: Json;
}

const CONTACT_LIST_FIELDS = [
  'id',
  'first_name',
  'last_name',
  'work_email',
  'direct_phone',
  'mobile_phone',
  'job_title',
  'job_department',
  'seniority_level',
  'linkedin_url',
  'city',
  'state',
  'country',
  'company_id',
  'owner_id',
  'owner_name',
  'custom_fields',
];
const COMPANY_LIST_FIELDS = [
  'id',
  'name',
  'description',
  'domain',
  'website',
  'industry',
  'employee_count',
  'revenue',
  'founded_year',
  'city',
  'state',
  'country',
  'linkedin_url',
  'linkedin_followers',
  'logo_url',
  'owner_id',
  'owner_name',
  'custom_fields',
];

/** These tests fire bursts; the default 50/s limit is tested on its own in kernel.test.ts. */
const ROOMY = { perSecond: 100_000, perMinute: 1_000_000 };

describe('sandbox records', () => {
  let sb: SandboxHandle;
  let otherOrg: string;

  async function get(path: string, key: string = sb.demoKey): Promise<Res> {
    const res = await fetch(`${sb.url}/api/v1${path}`, { headers: { Authorization: `Bearer ${key}` } });
    return { status: res.status, headers: res.headers, body: await res.json() };
  }

  function keyWith(scopes: string[], orgId?: string): string {
    const org =
      orgId ?? (sb.db.prepare("SELECT v FROM sandbox_meta WHERE k = 'demo_org_id'").get() as { v: string }).v;
    return insertKey(sb.db, {
      orgId: org,
      name: `scoped ${scopes.join(',')}`,
      mode: 'test',
      scopes,
      isAgency: false,
      createdBy: null,
      userEmail: null,
      createdAt: Math.floor(Date.now() / 1000),
      expiresAt: null,
    }).token;
  }

  beforeAll(async () => {
    sb = await startSandbox({ port: 0, dbPath: ':memory:', rateLimit: ROOMY, log: () => {} });
    otherOrg = (sb.db.prepare("SELECT v FROM sandbox_meta WHERE k = 'other_org_id'").get() as { v: string })
      .v;
  });

  afterAll(async () => {
    await sb?.close();
  });

  describe('GET /contacts', () => {
    it('returns ContactListItems with pagination; custom_fields null by default', async () => {
      const res = await get('/contacts');
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(50);
      expect(res.body.pagination).toEqual({
        page: 1,
        limit: 50,
        total: 200,
        has_next: true,
        next_cursor: 'bzo1MA',
      });
      expect(Object.keys(res.body.data[0]).sort()).toEqual([...CONTACT_LIST_FIELDS].sort());
      expect(res.body.data[0].custom_fields).toBeNull();
      const titles = new Set(res.body.data.map((c: { job_title: string }) => c.job_title));
      const countries = new Set(res.body.data.map((c: { country: string }) => c.country));
      expect(titles.size).toBeGreaterThan(10);
      expect(countries.size).toBeGreaterThan(4);
    });

    it('walks every page by cursor without overlap, and the cursor wins over page', async () => {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: Res = await get(`/contacts?limit=70${cursor ? `&cursor=${cursor}&page=1` : ''}`);
        expect(res.status).toBe(200);
        seen.push(...res.body.data.map((c: { id: number }) => c.id));
        cursor = res.body.pagination.next_cursor;
        expect(res.body.pagination.has_next).toBe(cursor !== null);
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(200);
      expect(Buffer.from('bzo3MA', 'base64url').toString()).toBe('o:70');
    });

    it('page=N addresses the same rows as the matching cursor', async () => {
      const byPage = await get('/contacts?page=3&limit=20');
      const byCursor = await get(`/contacts?limit=20&cursor=${Buffer.from('o:40').toString('base64url')}`);
      expect(byPage.body.data).toEqual(byCursor.body.data);
      expect(byCursor.body.pagination.page).toBe(3);
    });

    it.each([
      'garbage!',
      Buffer.from('o:-1').toString('base64url'),
      Buffer.from('offset:5').toString('base64url'),
      'bzo1MA==',
    ])('rejects cursor %s with the typed 400', async (cursor) => {
      const res = await get(`/contacts?cursor=${encodeURIComponent(cursor)}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ type: 'bad_request', code: '400', detail: 'Invalid cursor' });
    });

    it.each(['limit=0', 'limit=201', 'limit=abc', 'page=0', 'list_id=abc', 'include_custom_fields=maybe'])(
      '422 for %s',
      async (query) => {
        const res = await get(`/contacts?${query}`);
        expect(res.status).toBe(422);
        expect(res.body.detail[0].loc).toEqual(['query', query.split('=')[0]]);
      },
    );

    it('filters AND together: seniority, country, partial title and name, company name', async () => {
      const vp = await get('/contacts?seniority_level=VP&limit=200');
      expect(vp.body.data.length).toBeGreaterThan(5);
      for (const c of vp.body.data) expect(c.seniority_level).toBe('VP');

      const both = await get('/contacts?seniority_level=VP&country=United%20States&limit=200');
      expect(both.body.pagination.total).toBeLessThan(vp.body.pagination.total);
      for (const c of both.body.data) expect([c.seniority_level, c.country]).toEqual(['VP', 'United States']);

      const title = await get('/contacts?job_title=engineer&limit=200');
      expect(title.body.data.length).toBeGreaterThan(0);
      for (const c of title.body.data) expect(c.job_title.toLowerCase()).toContain('engineer');

      const sample = (await get('/contacts?limit=1')).body.data[0];
      const byName = await get(
        `/contacts?name=${encodeURIComponent(sample.last_name.toUpperCase())}&limit=200`,
      );
      expect(byName.body.data.map((c: { id: number }) => c.id)).toContain(sample.id);

      const company = (await get(`/companies/${sample.company_id}`)).body.data;
      const byCompany = await get(
        `/contacts?company_name=${encodeURIComponent(company.name.slice(0, 6))}&limit=200`,
      );
      expect(byCompany.body.data.map((c: { id: number }) => c.id)).toContain(sample.id);

      const none = await get('/contacts?country=Atlantis');
      expect(none.body).toEqual({
        data: [],
        pagination: { page: 1, limit: 50, total: 0, has_next: false, next_cursor: null },
      });
    });

    it('filters by exact email and by list membership', async () => {
      const withEmail = (await get('/contacts?limit=200')).body.data.find(
        (c: { work_email: string | null }) => c.work_email,
      );
      const byEmail = await get(`/contacts?email=${encodeURIComponent(withEmail.work_email.toUpperCase())}`);
      expect(byEmail.body.data.map((c: { id: number }) => c.id)).toEqual([withEmail.id]);

      const list = sb.db
        .prepare('SELECT list_id, count(*) AS n FROM list_members GROUP BY list_id ORDER BY list_id LIMIT 1')
        .get() as {
        list_id: number;
        n: number;
      };
      const members = await get(`/contacts?list_id=${list.list_id}&limit=200`);
      expect(members.body.pagination.total).toBe(list.n);
    });

    it('include_custom_fields returns only set values, {} when none', async () => {
      const res = await get('/contacts?include_custom_fields=true&limit=200');
      const fields = res.body.data.map((c: { custom_fields: Record<string, unknown> }) => c.custom_fields);
      expect(fields.every((f: unknown) => typeof f === 'object' && f !== null)).toBe(true);
      expect(
        fields.some((f: Record<string, unknown>) => typeof f.udo_lead_score_1712000000 === 'number'),
      ).toBe(true);
      expect(fields.some((f: Record<string, unknown>) => Object.keys(f).length === 0)).toBe(true);
    });

    it('never shows another org’s contacts', async () => {
      const foreign = sb.db
        .prepare('SELECT work_email FROM contacts WHERE org_id = ? AND work_email IS NOT NULL LIMIT 1')
        .get(otherOrg) as {
        work_email: string;
      };
      const res = await get(`/contacts?email=${encodeURIComponent(foreign.work_email)}`);
      expect(res.body.pagination.total).toBe(0);
    });
  });

  describe('GET /contacts/{id} and /suppression', () => {
    it('returns ContactDetail with the nested company instead of company_id', async () => {
      const item = (await get('/contacts?limit=1')).body.data[0];
      const res = await get(`/contacts/${item.id}`);
      expect(res.status).toBe(200);
      const d = res.body.data;
      expect(d.company_id).toBeUndefined();
      expect(d.full_name).toBe(`${item.first_name} ${item.last_name}`);
      expect(d.company).toEqual({
        id: item.company_id,
        name: expect.any(String),
        domain: expect.any(String),
        website: expect.any(String),
        industry: expect.any(String),
        employee_count: expect.stringMatching(/^\d+$/),
        city: expect.any(String),
        state: expect.any(String),
        country: expect.any(String),
        linkedin_url: expect.any(String),
        logo_url: expect.any(String),
      });
      for (const f of [
        'personal_emails',
        'twitter_url',
        'facebook_url',
        'about',
        'confidence_score',
        'meta_data',
        'created_at',
        'updated_at',
      ]) {
        expect(d).toHaveProperty(f);
      }
      expect(d.custom_fields).toBeNull();
      expect((await get(`/contacts/${item.id}?include_custom_fields=true`)).body.data.custom_fields).toEqual(
        expect.any(Object),
      );
    });

    it('404 Contact not found for unknown and for another org’s id (never 403)', async () => {
      const foreign = sb.db.prepare('SELECT id FROM contacts WHERE org_id = ? LIMIT 1').get(otherOrg) as {
        id: number;
      };
      for (const id of [foreign.id, 987654]) {
        const res = await get(`/contacts/${id}`);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ detail: 'Contact not found' });
        expect((await get(`/contacts/${id}/suppression`)).status).toBe(404);
      }
      expect((await get('/contacts/abc')).status).toBe(422);
    });

    it('suppression block lists records and active channels', async () => {
      const row = sb.db
        .prepare(
          `SELECT s.contact_id, count(*) AS n FROM suppressions s JOIN contacts c ON c.id = s.contact_id
           WHERE c.org_id = (SELECT v FROM sandbox_meta WHERE k = 'demo_org_id') GROUP BY s.contact_id ORDER BY n DESC LIMIT 1`,
        )
        .get() as { contact_id: number; n: number };
      expect(row.n).toBe(2);
      const res = await get(`/contacts/${row.contact_id}/suppression`);
      expect(res.status).toBe(200);
      expect(res.body.data.is_suppressed).toBe(true);
      expect(res.body.data.active_channels).toHaveLength(2);
      expect(res.body.data.records[0]).toEqual({
        channel: expect.stringMatching(/^(all|email|phone|linkedin)$/),
        category: expect.stringMatching(/^(contact_initiated|org_initiated|system)$/),
        reason: expect.any(String),
        created_at: expect.any(String),
      });
      const clean = sb.db
        .prepare(
          "SELECT id FROM contacts WHERE org_id = (SELECT v FROM sandbox_meta WHERE k = 'demo_org_id') AND id NOT IN (SELECT contact_id FROM suppressions) LIMIT 1",
        )
        .get() as { id: number };
      expect((await get(`/contacts/${clean.id}/suppression`)).body.data).toEqual({
        is_suppressed: false,
        active_channels: [],
        records: [],
      });
    });
  });

  describe('companies', () => {
    it('GET /companies returns CompanyListItems, ~50 for the demo org', async () => {
      const res = await get('/companies?limit=200');
      expect(res.status).toBe(200);
      expect(res.body.pagination.total).toBe(50);
      expect(Object.keys(res.body.data[0]).sort()).toEqual([...COMPANY_LIST_FIELDS].sort());
      expect(res.body.data[0].id).toBeGreaterThan(1000);
    });

    it('filters by exact domain, partial name/industry and numeric ranges', async () => {
      const one = (await get('/companies?limit=1')).body.data[0];
      const byDomain = await get(`/companies?domain=${one.domain.toUpperCase()}`);
      expect(byDomain.body.data.map((c: { id: number }) => c.id)).toEqual([one.id]);
      const byName = await get(`/companies?name=${encodeURIComponent(one.name.slice(2, 8).toLowerCase())}`);
      expect(byName.body.data.map((c: { id: number }) => c.id)).toContain(one.id);
      const big = await get('/companies?employee_count_min=1000&limit=200');
      expect(big.body.data.length).toBeGreaterThan(0);
      for (const c of big.body.data) expect(Number(c.employee_count)).toBeGreaterThanOrEqual(1000);
      const industry = await get('/companies?industry=software&limit=200');
      for (const c of industry.body.data) expect(c.industry.toLowerCase()).toContain('software');
    });

    it('GET /companies/{id} returns CompanyDetail with contact_count; another org’s id is 404', async () => {
      const one = (await get('/companies?limit=1')).body.data[0];
      const res = await get(`/companies/${one.id}?include_custom_fields=true`);
      expect(res.status).toBe(200);
      const contacts = await get(`/contacts?company_id=${one.id}&limit=200`);
      expect(res.body.data.contact_count).toBe(contacts.body.pagination.total);
      expect(res.body.data.contact_count).toBeGreaterThan(0);
      for (const f of [
        'phone',
        'address',
        'zip',
        'industry_group',
        'facebook_url',
        'twitter_url',
        'crunchbase_url',
        'meta_data',
        'created_at',
        'updated_at',
      ]) {
        expect(res.body.data).toHaveProperty(f);
      }
      const foreign = sb.db.prepare('SELECT id FROM companies WHERE org_id = ? LIMIT 1').get(otherOrg) as {
        id: number;
      };
      const denied = await get(`/companies/${foreign.id}`);
      expect(denied.status).toBe(404);
      expect(denied.body).toEqual({ detail: 'Company not found' });
    });

    it('lifecycle-stage records need deals:read and carry lifecycle fields', async () => {
      const res = await get('/lifecycle-stages/customer/records?limit=200');
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeGreaterThan(0);
      for (const c of res.body.data) {
        expect(c.lifecycle_stage).toBe('customer');
        expect(c).toHaveProperty('mrr_cents');
        expect(c).toHaveProperty('subscription_status');
        expect(c).toHaveProperty('custom_status');
        expect(c).toHaveProperty('status');
      }
      const stageId = (
        sb.db
          .prepare(
            "SELECT id FROM lifecycle_stages WHERE slug = 'customer' AND org_id = (SELECT v FROM sandbox_meta WHERE k = 'demo_org_id')",
          )
          .get() as { id: number }
      ).id;
      expect((await get(`/lifecycle-stages/${stageId}/records?limit=200`)).body.data).toEqual(res.body.data);
      expect((await get('/lifecycle-stages/no-such-stage/records')).status).toBe(404);

      const companiesOnly = keyWith(['companies:read']);
      const denied = await get('/lifecycle-stages/customer/records', companiesOnly);
      expect(denied.status).toBe(403);
      expect(denied.body.required_scope).toBe('deals:read');
      expect((await get('/lifecycle-stages/customer/records', keyWith(['deals:read']))).status).toBe(200);
    });
  });

  describe('GET /mailboxes', () => {
    it('lists the org’s mailboxes including one archived; limit 1–500', async () => {
      const res = await get('/mailboxes');
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeGreaterThanOrEqual(3);
      expect(res.body.data.filter((m: { is_archived: boolean }) => m.is_archived)).toHaveLength(1);
      expect(res.body.data[0]).toEqual(
        expect.objectContaining({
          id: expect.any(Number),
          email: expect.stringContaining('@'),
          display_name: expect.any(String),
          provider: expect.any(String),
          connection_status: expect.any(String),
          is_archived: expect.any(Boolean),
          daily_limit: expect.any(Number),
          warmup_status: expect.any(String),
        }),
      );
      expect((await get('/mailboxes?limit=1')).body.data).toHaveLength(1);
      expect((await get('/mailboxes?limit=501')).status).toBe(422);
      const foreign = sb.db.prepare('SELECT email FROM mailboxes WHERE org_id = ?').all(otherOrg) as {
        email: string;
      }[];
      const mine = res.body.data.map((m: { email: string }) => m.email);
      for (const f of foreign) expect(mine).not.toContain(f.email);
      expect((await get('/mailboxes', keyWith(['contacts:read']))).body.required_scope).toBe(
        'campaigns:read',
      );
    });
  });
});
