/**
 * Enrichment through real HTTP: lookups and their credit rule, email verification, 402 on a short
 * balance (with nothing changed), waterfall configs, queued runs polled to completion, AI research
 * and the provider catalogue.
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

/** These tests fire bursts; the default 50/s limit is tested on its own in kernel.test.ts. */
const ROOMY = { perSecond: 100_000, perMinute: 1_000_000 };

describe('sandbox enrichment', () => {
  let sb: SandboxHandle;
  let demoOrg: string;
  let otherOrg: string;

  async function call(method: string, path: string, body?: unknown, key: string = sb.demoKey): Promise<Res> {
    const res = await fetch(`${sb.url}/api/v1${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: await res.json() };
  }

  const credits = (orgId: string = demoOrg) =>
    (sb.db.prepare('SELECT credits FROM orgs WHERE id = ?').get(orgId) as { credits: number }).credits;
  const setCredits = (n: number, orgId: string = demoOrg) =>
    sb.db.prepare('UPDATE orgs SET credits = ? WHERE id = ?').run(n, orgId);

  function otherOrgKey(): string {
    return insertKey(sb.db, {
      orgId: otherOrg,
      name: 'other org',
      mode: 'test',
      scopes: [],
      isAgency: false,
      createdBy: null,
      userEmail: null,
      createdAt: Math.floor(Date.now() / 1000),
      expiresAt: null,
    }).token;
  }

  beforeAll(async () => {
    sb = await startSandbox({ port: 0, dbPath: ':memory:', rateLimit: ROOMY, log: () => {} });
    const meta = (k: string) =>
      (sb.db.prepare('SELECT v FROM sandbox_meta WHERE k = ?').get(k) as { v: string }).v;
    demoOrg = meta('demo_org_id');
    otherOrg = meta('other_org_id');
  });

  afterAll(async () => {
    await sb?.close();
  });

  describe('lookups', () => {
    it('seeds the demo org with credits and the other org with none', () => {
      expect(credits()).toBe(500);
      expect(credits(otherOrg)).toBe(0);
    });

    it('person by email: found, charged the lookup cost', async () => {
      const person = sb.db
        .prepare(
          'SELECT first_name, last_name, work_email FROM contacts WHERE org_id = ? AND work_email IS NOT NULL LIMIT 1',
        )
        .get(demoOrg) as { first_name: string; last_name: string; work_email: string };
      const before = credits();
      const res = await call('POST', '/enrichment/lookup/person', { email: person.work_email });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        found: true,
        confidence: expect.any(Number),
        data: { first_name: person.first_name, last_name: person.last_name, work_email: person.work_email },
      });
      expect(res.body.data.confidence).toBeGreaterThan(0.5);
      expect(res.body.data.confidence).toBeLessThanOrEqual(1);
      expect(credits()).toBe(before - 1);
    });

    it('person by name + company domain and by linkedin_url', async () => {
      const row = sb.db
        .prepare(
          `SELECT ct.first_name, ct.last_name, ct.linkedin_url, co.domain FROM contacts ct JOIN companies co ON co.id = ct.company_id
           WHERE ct.org_id = ? AND ct.linkedin_url IS NOT NULL LIMIT 1`,
        )
        .get(demoOrg) as { first_name: string; last_name: string; linkedin_url: string; domain: string };
      const byName = await call('POST', '/enrichment/lookup/person', {
        first_name: row.first_name.toLowerCase(),
        last_name: row.last_name,
        company_domain: `https://www.${row.domain}/`,
      });
      expect(byName.body.data.found).toBe(true);
      expect(byName.body.data.data.last_name).toBe(row.last_name);
      const byLinkedin = await call('POST', '/enrichment/lookup/person', {
        linkedin_url: `${row.linkedin_url}/`,
      });
      expect(byLinkedin.body.data.found).toBe(true);
    });

    it('not found is free', async () => {
      const before = credits();
      const res = await call('POST', '/enrichment/lookup/person', { email: 'ghost@nowhere-at-all.io' });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ found: false, confidence: 0, data: null });
      expect(credits()).toBe(before);
    });

    it.each([
      {},
      { first_name: 'Ada' },
      { first_name: 'Ada', last_name: 'Lovelace' },
      { email: '   ' },
      { email: 'not-an-email' },
    ])('400 when no strategy is usable: %j', async (body) => {
      const res = await call('POST', '/enrichment/lookup/person', body);
      expect(res.status).toBe(400);
      expect(res.body.detail).toMatch(/strategy/);
    });

    it('422 for wrong types', async () => {
      const res = await call('POST', '/enrichment/lookup/person', { email: 42 });
      expect(res.status).toBe(422);
      expect(res.body.detail[0].loc).toEqual(['body', 'email']);
    });

    it('company by domain or name; charged only when found', async () => {
      const company = sb.db
        .prepare('SELECT name, domain FROM companies WHERE org_id = ? LIMIT 1')
        .get(demoOrg) as {
        name: string;
        domain: string;
      };
      const before = credits();
      const byDomain = await call('POST', '/enrichment/lookup/company', { domain: company.domain });
      expect(byDomain.body.data).toMatchObject({
        found: true,
        data: { name: company.name, domain: company.domain },
      });
      expect(byDomain.body.data.data).toHaveProperty('employee_count');
      expect(byDomain.body.data.data).toHaveProperty('annual_revenue');
      const byName = await call('POST', '/enrichment/lookup/company', { name: company.name.toUpperCase() });
      expect(byName.body.data.found).toBe(true);
      const missing = await call('POST', '/enrichment/lookup/company', { domain: 'no-such-company.example' });
      expect(missing.body.data.found).toBe(false);
      expect(credits()).toBe(before - 2);
      expect((await call('POST', '/enrichment/lookup/company', {})).status).toBe(400);
    });

    it('402 typed body when credits run out, and nothing is charged', async () => {
      const email = (
        sb.db
          .prepare('SELECT work_email FROM contacts WHERE org_id = ? AND work_email IS NOT NULL LIMIT 1')
          .get(demoOrg) as {
          work_email: string;
        }
      ).work_email;
      setCredits(0);
      try {
        const res = await call('POST', '/enrichment/lookup/person', { email });
        expect(res.status).toBe(402);
        expect(res.body).toEqual({
          type: 'payment_required',
          code: '402',
          reason: 'insufficient_credits',
          detail: 'Not enough credits for this action',
          required_credits: 1,
          available_credits: 0,
          request_id: res.headers.get('x-request-id'),
        });
        // A miss costs nothing, so it still answers 200 at zero balance.
        expect(
          (await call('POST', '/enrichment/lookup/person', { email: 'ghost@nowhere-at-all.io' })).status,
        ).toBe(200);
        expect(credits()).toBe(0);
      } finally {
        setCredits(500);
      }
    });

    it('the other org starts at zero credits and gets 402 on a hit', async () => {
      const res = await call(
        'POST',
        '/enrichment/lookup/company',
        { domain: 'northwindlogistics.com' },
        otherOrgKey(),
      );
      expect(res.status).toBe(402);
      expect(res.body.available_credits).toBe(0);
    });
  });

  describe('POST /enrichment/verify-email', () => {
    it('free for seeded domains: valid for a known mailbox, invalid otherwise', async () => {
      const email = (
        sb.db
          .prepare('SELECT work_email FROM contacts WHERE org_id = ? AND work_email IS NOT NULL LIMIT 1')
          .get(demoOrg) as {
          work_email: string;
        }
      ).work_email;
      const before = credits();
      const good = await call('POST', '/enrichment/verify-email', { email });
      expect(good.status).toBe(200);
      expect(good.body.data).toMatchObject({ email, status: 'valid', is_valid: true, sub_status: null });
      const bad = await call('POST', '/enrichment/verify-email', {
        email: `zz.nobody@${email.split('@')[1]}`,
      });
      expect(bad.body.data).toMatchObject({ status: 'invalid', is_valid: false });
      expect(credits()).toBe(before);
    });

    it('1 credit when it falls through to the external verifier; is_valid is the verdict', async () => {
      const before = credits();
      const res = await call('POST', '/enrichment/verify-email', { email: 'someone@unseeded-domain.io' });
      expect(res.body.data).toMatchObject({ status: 'catch-all', is_valid: false });
      expect(['valid', 'invalid', 'catch-all', 'unknown']).toContain(res.body.data.status);
      expect(credits()).toBe(before - 1);
    });

    it('422 for an invalid address', async () => {
      const res = await call('POST', '/enrichment/verify-email', { email: 'not an email' });
      expect(res.status).toBe(422);
      expect(res.body.detail[0].loc).toEqual(['body', 'email']);
    });
  });

  describe('waterfall', () => {
    async function seededConfig() {
      const res = await call('GET', '/enrichment/waterfall/configs');
      expect(res.status).toBe(200);
      return res.body.data.configs.find((c: { name: string }) => c.name === 'Find work emails');
    }

    const membersOf = (listId: number) =>
      (
        sb.db
          .prepare('SELECT contact_id FROM list_members WHERE list_id = ? ORDER BY contact_id')
          .all(listId) as { contact_id: number }[]
      ).map((r) => r.contact_id);

    it('GET configs lists the seeded active config, filterable by list_id', async () => {
      const config = await seededConfig();
      expect(config).toMatchObject({
        column_id: expect.any(Number),
        field_to_enrich: 'email',
        data_type: 'email',
        is_active: true,
        is_global: false,
        step_count: 3,
        providers: ['graph8', 'hunter', 'prospeo'],
        missing_credentials: [],
      });
      expect(config.providers_detail[0]).toEqual({
        provider: 'graph8',
        is_system_provider: true,
        credential_source: 'system',
        credential_ready: true,
      });
      const byList = await call('GET', `/enrichment/waterfall/configs?list_id=${config.list_id}`);
      expect(byList.body.data.list_id).toBe(config.list_id);
      expect(byList.body.data.count).toBe(byList.body.data.configs.length);
      const otherList = sb.db
        .prepare('SELECT id FROM lists WHERE org_id = ? ORDER BY id DESC LIMIT 1')
        .get(demoOrg) as { id: number };
      expect(
        (await call('GET', `/enrichment/waterfall/configs?list_id=${otherList.id}`)).body.data.count,
      ).toBe(0);
    });

    it('POST configs creates once per (list, name), reports missing BYOK credentials', async () => {
      const list = sb.db
        .prepare('SELECT id FROM lists WHERE org_id = ? ORDER BY id DESC LIMIT 1')
        .get(demoOrg) as { id: number };
      const body = {
        list_id: list.id,
        name: 'Mobiles',
        field_to_enrich: 'mobile',
        providers: ['leadmagic', 'lusha'],
      };
      const first = await call('POST', '/enrichment/waterfall/configs', body);
      expect(first.status).toBe(201);
      expect(first.body.data).toMatchObject({
        created: true,
        name: 'Mobiles',
        list_id: list.id,
        providers: ['leadmagic', 'lusha'],
      });
      expect(first.body.data.missing_credentials).toEqual(['lusha']);
      expect(first.body.data.providers_detail[1]).toMatchObject({
        provider: 'lusha',
        credential_source: 'byok',
        credential_ready: false,
      });
      const again = await call('POST', '/enrichment/waterfall/configs', body);
      expect(again.status).toBe(200);
      expect(again.body.data.created).toBe(false);
      expect(again.body.data.column_id).toBe(first.body.data.column_id);
    });

    it('POST configs: bare body gets a graph8 step; providers+steps is 400; unknown provider 400; unknown list 404', async () => {
      const list = (await seededConfig()).list_id;
      const bare = await call('POST', '/enrichment/waterfall/configs', { list_id: list });
      expect(bare.status).toBe(201);
      expect(bare.body.data.providers).toEqual(['graph8']);
      const both = await call('POST', '/enrichment/waterfall/configs', {
        list_id: list,
        providers: ['hunter'],
        steps: [{ provider: 'hunter' }],
      });
      expect(both.status).toBe(400);
      const unknown = await call('POST', '/enrichment/waterfall/configs', {
        list_id: list,
        providers: ['clearbit'],
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.detail).toMatch(/^unsupported_provider/);
      const foreignList = sb.db.prepare('SELECT id FROM lists WHERE org_id = ? LIMIT 1').get(otherOrg) as {
        id: number;
      };
      expect((await call('POST', '/enrichment/waterfall/configs', { list_id: foreignList.id })).status).toBe(
        404,
      );
      expect((await call('POST', '/enrichment/waterfall/configs', { list_id: 'x' })).status).toBe(422);
    });

    it('enrich answers 202 queued; polling sees queued → running → completed with counters only at the end', async () => {
      const config = await seededConfig();
      const ids = membersOf(config.list_id).slice(0, 8);
      const before = credits();
      const res = await call('POST', '/enrichment/waterfall/enrich', {
        column_id: config.column_id,
        list_id: config.list_id,
        record_ids: ids,
        skip_existing_values: false,
      });
      expect(res.status).toBe(202);
      expect(res.body.data).toEqual({
        job_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        status: 'queued',
        total: null,
        completed: null,
        results: null,
        warnings: null,
      });
      const jobId = res.body.data.job_id;
      const seen: string[] = [];
      let last: Json;
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        last = (await call('GET', `/enrichment/jobs/${jobId}?include_provider_errors=true`)).body.data;
        if (seen.at(-1) !== last.status) seen.push(last.status);
        if (last.status !== 'completed') {
          expect(last.successful_enrichments).toBeNull();
          expect(last.failed_enrichments).toBeNull();
          expect(last.total_credits_used).toBeNull();
          expect(last.results).toBeNull();
        }
        if (last.status === 'completed') break;
        await new Promise((r) => setTimeout(r, 150));
      }
      expect(seen).toEqual(['queued', 'running', 'completed']);
      expect(last.total).toBe(8);
      expect(last.completed).toBe(8);
      expect(last.successful_enrichments + last.failed_enrichments).toBe(8);
      expect(last.successful_enrichments).toBeGreaterThan(0);
      expect(last.results).toHaveLength(8);
      expect(Array.isArray(last.provider_errors)).toBe(true);
      // Charged at enqueue for the hits: hunter/prospeo cost 1, graph8 0.
      expect(before - credits()).toBe(last.total_credits_used);
      const enriched = last.results.find((r: { status: string }) => r.status === 'enriched');
      const contact = (await call('GET', `/contacts/${enriched.record_id}`)).body.data;
      expect(contact.work_email).toBe(enriched.value);
    });

    it('422 waterfall_config_missing for an unknown column; 400 for contacts outside the list', async () => {
      const config = await seededConfig();
      const missing = await call('POST', '/enrichment/waterfall/enrich', {
        column_id: 999,
        list_id: config.list_id,
        record_ids: [101],
      });
      expect(missing.status).toBe(422);
      expect(missing.body).toEqual({ detail: 'waterfall_config_missing' });
      const members = new Set(membersOf(config.list_id));
      const outsider = (
        sb.db.prepare('SELECT id FROM contacts WHERE org_id = ? ORDER BY id').all(demoOrg) as { id: number }[]
      ).find((c) => !members.has(c.id)) as { id: number };
      const res = await call('POST', '/enrichment/waterfall/enrich', {
        column_id: config.column_id,
        list_id: config.list_id,
        record_ids: [outsider.id],
      });
      expect(res.status).toBe(400);
      expect(res.body.detail).toContain(String(outsider.id));
      expect(
        (
          await call('POST', '/enrichment/waterfall/enrich', {
            column_id: config.column_id,
            list_id: config.list_id,
            record_ids: [],
          })
        ).status,
      ).toBe(422);
    });

    it('a short balance refuses the run with 402 and rolls back every write', async () => {
      const list = sb.db
        .prepare('SELECT id FROM lists WHERE org_id = ? ORDER BY id LIMIT 1 OFFSET 3')
        .get(demoOrg) as { id: number };
      const made = await call('POST', '/enrichment/waterfall/configs', {
        list_id: list.id,
        name: 'Paid phones',
        field_to_enrich: 'phone',
        providers: ['apollo'],
      });
      const ids = membersOf(list.id).slice(0, 20);
      const snapshot = () =>
        sb.db
          .prepare(`SELECT id, direct_phone FROM contacts WHERE id IN (${ids.join(',')}) ORDER BY id`)
          .all();
      const before = snapshot();
      const jobs = (sb.db.prepare('SELECT count(*) AS n FROM enrichment_jobs').get() as { n: number }).n;
      setCredits(0);
      try {
        const res = await call('POST', '/enrichment/waterfall/enrich', {
          column_id: made.body.data.column_id,
          list_id: list.id,
          record_ids: ids,
          skip_existing_values: false,
        });
        expect(res.status).toBe(402);
        expect(res.body.required_credits).toBeGreaterThan(0);
        expect(snapshot()).toEqual(before);
        expect((sb.db.prepare('SELECT count(*) AS n FROM enrichment_jobs').get() as { n: number }).n).toBe(
          jobs,
        );
      } finally {
        setCredits(500);
      }
    });

    it('jobs of another org are 404', async () => {
      const config = await seededConfig();
      const job = await call('POST', '/enrichment/waterfall/enrich', {
        column_id: config.column_id,
        list_id: config.list_id,
        record_ids: membersOf(config.list_id).slice(0, 1),
      });
      const res = await call('GET', `/enrichment/jobs/${job.body.data.job_id}`, undefined, otherOrgKey());
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ detail: 'Job not found' });
    });
  });

  describe('AI research and providers', () => {
    it('POST /enrichment/ai/enrich answers synchronously and charges 3 credits per contact', async () => {
      const list = sb.db
        .prepare('SELECT id FROM lists WHERE org_id = ? ORDER BY id LIMIT 1 OFFSET 1')
        .get(demoOrg) as { id: number };
      const ids = (
        sb.db.prepare('SELECT contact_id FROM list_members WHERE list_id = ? LIMIT 4').all(list.id) as {
          contact_id: number;
        }[]
      ).map((r) => r.contact_id);
      const before = credits();
      const res = await call('POST', '/enrichment/ai/enrich', {
        group_id: 'grp_research',
        list_id: list.id,
        record_ids: ids,
      });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ status: 'completed', total: 4, completed: 4 });
      const [r] = res.body.data.results;
      expect(r.processed_records).toBe(4);
      expect(r.successful_enrichments + r.failed_enrichments).toBe(4);
      expect(before - credits()).toBe(12);
      const job = await call('GET', `/enrichment/jobs/${res.body.data.job_id}`);
      expect(job.body.data).toMatchObject({
        status: 'completed',
        total_credits_used: 12,
        successful_enrichments: r.successful_enrichments,
      });
      expect(
        (await call('POST', '/enrichment/ai/enrich', { list_id: list.id, record_ids: ids })).status,
      ).toBe(422);
    });

    it('GET /enrichment/providers lists the contract providers with credits per row', async () => {
      const res = await call('GET', '/enrichment/providers');
      expect(res.status).toBe(200);
      const names = res.body.data.providers.map((p: { provider: string }) => p.provider);
      for (const p of [
        'graph8',
        'hunter',
        'prospeo',
        'dropcontact',
        'icypeas',
        'leadmagic',
        'emaillistverify',
        'apollo',
        'lusha',
        'rocketreach',
      ]) {
        expect(names).toContain(p);
      }
      expect(res.body.data.count).toBe(names.length);
      const lusha = res.body.data.providers.find((p: { provider: string }) => p.provider === 'lusha');
      expect(lusha).toMatchObject({
        system_funded: false,
        byok_configured: false,
        default_credential_source: 'byok',
      });
      expect(lusha.credits_per_row.phone).toBeGreaterThan(0);
    });
  });
});
