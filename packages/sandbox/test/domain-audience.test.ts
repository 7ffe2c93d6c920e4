import { beforeEach, describe, expect, it } from 'vitest';
import { Harness, locs, OTHER } from './domain-harness.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});

const config = (platform: string, org = 'org_demo') =>
  h.row('SELECT * FROM aud_syncs WHERE platform = ? AND org_id = ? ORDER BY id LIMIT 1', platform, org);

describe('GET /audience-syncs', () => {
  it('lists the org’s syncs with derived status', () => {
    const res = h.get('/audience-syncs');
    expect(res.status).toBe(200);
    expect(res.body.pagination).toBeUndefined();
    const rows = res.body.data as { platform: string; status: string; is_active: boolean }[];
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => `${r.platform}:${r.status}`)).toEqual([
      'meta:ready',
      'linkedin:ready',
      'google:inactive',
      'meta:error',
    ]);
    expect(rows[0]).toMatchObject({
      audience_id: h.ids.lists[0],
      audience_name: 'VP Sales — mid-market',
      mode: 'mirror',
      member_count: 12,
      last_synced_at: expect.any(String),
      next_sync_at: expect.any(String),
    });
    expect(h.route('GET', '/audience-syncs').scope).toBe('integrations:read');
  });
});

describe('POST /audience-syncs', () => {
  it('creates a sync (201) and records the platform audience in the outbox', () => {
    const res = h.post('/audience-syncs', { audience_id: h.ids.lists[3], platform: 'linkedin' });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      audience_id: h.ids.lists[3],
      platform: 'linkedin',
      mode: 'mirror',
      refresh_cadence_hours: 24,
      is_active: true,
      status: 'pending',
      member_count: 0,
      platform_audience_name: 'graph8 – Trial PQLs',
    });
    expect(res.body.data.platform_audience_id).toMatch(/^urn:li:adSegment:\d{8}$/);
    expect(h.outbox[0]?.kind).toBe('audience.create');
  });

  it('422 schema and platform not connected, 404 foreign list, 409 duplicate', () => {
    expect(locs(h.post('/audience-syncs', { audience_id: 'x', platform: 'tiktok' }).body)).toEqual([
      'body.audience_id',
      'body.platform',
    ]);
    const x = h.post('/audience-syncs', { audience_id: h.ids.lists[0], platform: 'x' });
    expect(x.status).toBe(422);
    expect(locs(x.body)).toEqual(['body.platform']);
    expect(h.post('/audience-syncs', { audience_id: h.ids.otherList, platform: 'meta' }).status).toBe(404);
    const dup = h.post('/audience-syncs', { audience_id: h.ids.lists[0], platform: 'meta' });
    expect(dup.status).toBe(409);
    expect(h.outbox).toHaveLength(0);
  });
});

describe('GET / PATCH / DELETE /audience-syncs/:config_id', () => {
  it('reads one sync; 404 across orgs; 422 for a non-integer id', () => {
    const meta = config('meta');
    expect(h.get(`/audience-syncs/${meta.id}`).body.data.id).toBe(meta.id);
    expect(h.get(`/audience-syncs/${config('meta', OTHER).id}`).body).toEqual({
      detail: 'Audience sync not found',
    });
    expect(locs(h.get('/audience-syncs/abc').body)).toEqual(['path.config_id']);
  });

  it('patches fields, 400 when empty', () => {
    const meta = config('meta');
    const res = h.patch(`/audience-syncs/${meta.id}`, { mode: 'append_only', refresh_cadence_hours: 6 });
    expect(res.body.data).toMatchObject({ mode: 'append_only', refresh_cadence_hours: 6 });
    expect(h.patch(`/audience-syncs/${meta.id}`, {}).body).toEqual({ detail: 'No fields to update' });
    expect(h.patch(`/audience-syncs/${meta.id}`, { refresh_cadence_hours: 0 }).status).toBe(422);
  });

  it('soft-deletes: 200 body, then 404 and a free slot for a new sync', () => {
    const meta = config('meta');
    expect(h.delete(`/audience-syncs/${meta.id}`).body).toEqual({
      data: { id: meta.id, deleted: true, is_active: false },
    });
    expect(h.get(`/audience-syncs/${meta.id}`).status).toBe(404);
    expect(h.delete(`/audience-syncs/${meta.id}`).status).toBe(404);
    expect(h.post('/audience-syncs', { audience_id: meta.audience_id, platform: 'meta' }).status).toBe(201);
    expect(h.route('DELETE', `/audience-syncs/${meta.id}`).scope).toBe('integrations:delete');
  });
});

describe('POST /audience-syncs/:config_id/trigger and runs', () => {
  it('queues a run whose status moves queued → running → completed with time', () => {
    const li = config('linkedin');
    const res = h.post(`/audience-syncs/${li.id}/trigger`);
    expect(res.status).toBe(202);
    expect(res.body.data).toEqual({
      run_id: expect.stringMatching(/^run_/),
      config_id: li.id,
      status: 'queued',
    });
    expect(h.debits).toEqual([{ amount: 1, reason: expect.any(String) }]);
    expect(h.outbox[0]?.kind).toBe('audience.sync_trigger');
    const latest = () => h.get(`/audience-syncs/${li.id}/runs?limit=1`).body.data[0];
    expect(latest()).toMatchObject({
      id: res.body.data.run_id,
      status: 'queued',
      members_total: null,
      started_at: null,
    });
    expect(h.get(`/audience-syncs/${li.id}`).body.data.status).toBe('syncing');
    expect(h.post(`/audience-syncs/${li.id}/trigger`).status).toBe(409);
    h.now += 1500;
    expect(latest().status).toBe('running');
    h.now += 2000;
    expect(latest()).toMatchObject({
      status: 'completed',
      members_total: 12,
      completed_at: expect.any(String),
    });
    expect(h.get(`/audience-syncs/${li.id}`).body.data.status).toBe('ready');
    expect(h.post(`/audience-syncs/${li.id}/trigger`).status).toBe(202);
  });

  it('runs are newest first, limited, bare lists; limit out of range is 422', () => {
    const meta = config('meta');
    const runs = h.get(`/audience-syncs/${meta.id}/runs`).body;
    expect(runs.pagination).toBeUndefined();
    expect(runs.data).toHaveLength(5);
    const times = runs.data.map((r: { completed_at: string }) => r.completed_at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(h.get(`/audience-syncs/${meta.id}/runs?limit=2`).body.data).toHaveLength(2);
    expect(h.get(`/audience-syncs/${meta.id}/runs?limit=101`).status).toBe(422);
    expect(h.route('GET', `/audience-syncs/${meta.id}/runs`).scope).toBe('integrations:run');
  });

  it('422 when inactive, 402 when short of credits, 404 across orgs', () => {
    expect(h.post(`/audience-syncs/${config('google').id}/trigger`).status).toBe(422);
    h.balance = 0;
    expect(h.post(`/audience-syncs/${config('linkedin').id}/trigger`).status).toBe(402);
    expect(h.outbox).toHaveLength(0);
    expect(h.post(`/audience-syncs/${config('meta', OTHER).id}/trigger`).status).toBe(404);
  });

  it('an empty audience fails its run and reports an error once finished', () => {
    const created = h.post('/audience-syncs', { audience_id: h.ids.emptyList, platform: 'google' }).body.data;
    const run = h.post(`/audience-syncs/${created.id}/trigger`).body.data;
    expect(h.get(`/audience-syncs/${created.id}/errors`).body.data).toEqual([]);
    h.now += 3000;
    expect(h.get(`/audience-syncs/${created.id}/runs`).body.data[0]).toMatchObject({
      status: 'failed',
      error_message: expect.any(String),
    });
    expect(h.get(`/audience-syncs/${created.id}/errors`).body.data).toEqual([
      {
        run_id: run.run_id,
        occurred_at: expect.any(String),
        error_code: 'EMPTY_AUDIENCE',
        error_message: expect.any(String),
        details: expect.any(Object),
      },
    ]);
    expect(h.get(`/audience-syncs/${created.id}`).body.data.status).toBe('error');
  });

  it('errors lists failed runs of seeded history', () => {
    const errors = h.get(`/audience-syncs/${config('meta').id}/errors`).body.data;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ error_code: 'TOKEN_EXPIRED' });
  });
});
