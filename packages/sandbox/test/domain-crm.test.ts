import { beforeEach, describe, expect, it } from 'vitest';
import { Harness, locs, OTHER } from './domain-harness.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});

describe('GET /crm-syncs', () => {
  it('lists connections', () => {
    const res = h.get('/crm-syncs');
    expect(
      res.body.data.map((c: { provider: string; status: string }) => `${c.provider}:${c.status}`),
    ).toEqual(['hubspot:connected', 'pipedrive:disconnected', 'salesforce:connected']);
    expect(res.body.data[0]).toEqual({
      provider: 'hubspot',
      status: 'connected',
      connected_at: expect.any(String),
      last_sync_at: expect.any(String),
      account_name: expect.stringContaining('Acme Inc'),
    });
    expect(h.get('/crm-syncs', { org: OTHER }).body.data).toHaveLength(1);
  });
});

describe('POST /crm-syncs/:provider/contacts|companies/push', () => {
  it('pushes with per-record results and upserts by email', () => {
    const records = [
      { work_email: 'ana@northwind.test', first_name: 'Ana', last_name: 'Diaz' },
      { first_name: 'No', last_name: 'Email' },
      { work_email: 'broken', last_name: 'X' },
    ];
    const res = h.post('/crm-syncs/hubspot/contacts/push', { records });
    expect(res.body.data).toMatchObject({ provider: 'hubspot', entity: 'contacts', pushed: 1, failed: 2 });
    expect(res.body.data.results[0]).toEqual({
      index: 0,
      ok: true,
      external_id: expect.stringMatching(/^\d{11}$/),
      action: 'created',
    });
    expect(res.body.data.results[1]).toEqual({
      index: 1,
      ok: false,
      error: expect.stringContaining('work_email'),
    });
    expect(h.outbox[0]).toMatchObject({
      kind: 'crm.push',
      payload: { provider: 'hubspot', entity: 'contacts' },
    });
    const again = h.post('/crm-syncs/HubSpot/contacts/push', { records: [records[0]] }).body.data.results[0];
    expect(again).toEqual({ ...res.body.data.results[0], action: 'updated' });
  });

  it('applies each CRM’s own required fields', () => {
    const sf = h.post('/crm-syncs/salesforce/contacts/push', {
      records: [{ work_email: 'a@b.test', first_name: 'No last' }, { last_name: 'Only' }],
    }).body.data;
    expect(sf.results.map((r: { ok: boolean }) => r.ok)).toEqual([false, true]);
    expect(sf.results[1].external_id).toMatch(/^003[0-9A-Za-z]{15}$/);
    const companies = h.post('/crm-syncs/salesforce/companies/push', {
      records: [
        { name: 'Northwind', domain: 'northwind.test' },
        { domain: 'nameless.test' },
        { name: 'Bad', domain: 'not a domain' },
      ],
    }).body.data;
    expect(companies).toMatchObject({ entity: 'companies', pushed: 1, failed: 2 });
    expect(companies.results[0].external_id).toMatch(/^001/);
  });

  it('422 records out of range, 404 unknown provider, 409 not connected', () => {
    expect(locs(h.post('/crm-syncs/hubspot/contacts/push', { records: [] }).body)).toEqual(['body.records']);
    const many = Array.from({ length: 101 }, (_, i) => ({ work_email: `p${i}@x.test` }));
    expect(h.post('/crm-syncs/hubspot/contacts/push', { records: many }).status).toBe(422);
    expect(h.post('/crm-syncs/closeio/contacts/push', { records: [{ work_email: 'a@b.test' }] }).status).toBe(
      404,
    );
    expect(h.post('/crm-syncs/pipedrive/companies/push', { records: [{ name: 'A' }] }).body).toEqual({
      detail: 'pipedrive is not connected',
    });
    expect(h.post('/crm-syncs/zoho/contacts/push', { records: [{ last_name: 'A' }] }).status).toBe(409);
    expect(
      h.post('/crm-syncs/salesforce/contacts/push', { records: [{ last_name: 'A' }] }, { org: OTHER }).status,
    ).toBe(409);
    expect(h.outbox).toHaveLength(0);
  });
});

describe('POST /crm-syncs/:provider/lists/push', () => {
  it('changes membership with partial success', () => {
    const [a, b] = h.ids.contacts;
    const res = h.post('/crm-syncs/salesforce/lists/push', {
      records: [
        { list_id: h.ids.lists[0], add_contact_ids: [a, b], remove_contact_ids: [] },
        { list_id: h.ids.otherList, add_contact_ids: [a] },
        { list_id: h.ids.lists[1], add_contact_ids: [h.ids.otherContacts[0]] },
      ],
    });
    expect(res.body.data).toMatchObject({ provider: 'salesforce', entity: 'lists', updated: 1, failed: 2 });
    expect(res.body.data.results[0]).toMatchObject({
      ok: true,
      added: 2,
      removed: 0,
      external_id: expect.stringMatching(/^701/),
    });
    expect(res.body.data.results[2].error).toContain('Unknown contact ids');
    expect(h.row('SELECT COUNT(*) AS n FROM crm_list_members').n).toBe(2);
  });

  it('422 for zoho and sugarcrm even before connection checks, 404 unknown, 409 pipedrive', () => {
    const body = { records: [{ list_id: h.ids.lists[0] }] };
    expect(locs(h.post('/crm-syncs/zoho/lists/push', body).body)).toEqual(['path.provider']);
    expect(h.post('/crm-syncs/sugarcrm/lists/push', body).status).toBe(422);
    expect(h.post('/crm-syncs/nope/lists/push', body).status).toBe(404);
    expect(h.post('/crm-syncs/pipedrive/lists/push', body).status).toBe(409);
    expect(h.post('/crm-syncs/hubspot/lists/push', { records: [{}] }).status).toBe(422);
  });
});

describe('GET /crm-syncs/:provider/fields and /status', () => {
  it('returns field catalogues per entity type', () => {
    const res = h.get('/crm-syncs/salesforce/fields?entity_type=companies');
    expect(res.body.data.provider).toBe('salesforce');
    expect(res.body.data.entity_type).toBe('companies');
    expect(res.body.data.fields[0]).toEqual({
      name: 'Name',
      label: 'Account Name',
      type: 'string',
      required: true,
      custom: false,
    });
    expect(h.get('/crm-syncs/hubspot/fields').body.data.entity_type).toBe('contacts');
    expect(h.get('/crm-syncs/hubspot/fields?entity_type=tickets').status).toBe(422);
    expect(h.get('/crm-syncs/pipedrive/fields').status).toBe(409);
    expect(h.get('/crm-syncs/nope/fields').status).toBe(404);
  });

  it('reports health and the CRM-side rate limit', () => {
    const hub = h.get('/crm-syncs/hubspot/status').body.data;
    expect(hub).toMatchObject({ provider: 'hubspot', connected: true, healthy: true, last_error: null });
    expect(hub.rate_limit).toEqual({
      limit: 250000,
      remaining: 250000 - 1840,
      reset_at: '2025-06-03T00:00:00.000Z',
    });
    h.post('/crm-syncs/hubspot/contacts/push', { records: [{ work_email: 'z@z.test' }] });
    expect(h.get('/crm-syncs/hubspot/status').body.data.rate_limit.remaining).toBe(250000 - 1841);
    const pd = h.get('/crm-syncs/pipedrive/status').body.data;
    expect(pd).toMatchObject({
      connected: false,
      healthy: false,
      rate_limit: null,
      last_error: expect.stringContaining('revoked'),
    });
    expect(h.get('/crm-syncs/zoho/status').body.data).toMatchObject({ connected: false, last_error: null });
    expect(h.get('/crm-syncs/nope/status').status).toBe(404);
  });
});
