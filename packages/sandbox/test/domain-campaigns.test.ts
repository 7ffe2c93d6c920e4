import { beforeEach, describe, expect, it } from 'vitest';
import { Harness, locs, OTHER } from './domain-harness.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});

const READY = 'Q3 mid-market VP Sales';
const IN_PROGRESS = 'EU fintech expansion';
const DRAFT = 'Webinar follow-up: forecasting masterclass';
const ARCHIVED = '2023 holiday promo';
const cmp = (name: string, org = 'org_demo'): string =>
  h.row('SELECT id FROM camp_campaigns WHERE name = ? AND org_id = ?', name, org).id;
const docOf = (campaign: string): string =>
  h.row('SELECT id FROM camp_documents WHERE campaign_id = ? ORDER BY position LIMIT 1', cmp(campaign)).id;

describe('GET /campaigns', () => {
  it('lists non-archived campaigns with pagination', () => {
    const res = h.get('/campaigns?limit=2');
    expect(res.body.pagination).toMatchObject({ page: 1, limit: 2, total: 3, has_next: true });
    expect(res.body.data[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: expect.any(String),
      slug: expect.any(String),
      status: expect.any(String),
      category: expect.any(String),
      goal: expect.any(String),
      target_persona: expect.any(String),
      created_at: expect.any(String),
    });
    const all = h.get('/campaigns').body.data.map((c: { name: string }) => c.name);
    expect(all).not.toContain(ARCHIVED);
    expect(h.get('/campaigns?limit=0').status).toBe(422);
    expect(h.get('/campaigns?cursor=bzo1MA==').status).toBe(400);
  });
});

describe('GET /campaigns/:campaign_id (+ /full, /documents/:document_id)', () => {
  it('returns the detail with a document list', () => {
    const d = h.get(`/campaigns/${cmp(READY)}`).body.data;
    expect(d).toMatchObject({
      name: READY,
      slug: 'q3-mid-market-vp-sales',
      status: 'active',
      channels: ['email'],
    });
    expect(d.documents[0]).toEqual({
      id: expect.any(String),
      name: 'Messaging framework',
      type: 'messaging_framework',
      status: 'completed',
    });
    expect(d.brief).toEqual(expect.any(String));
  });

  it('returns the full snapshot', () => {
    const f = h.get(`/campaigns/${cmp(READY)}/full`).body.data;
    expect(f.audience).toEqual({
      list_id: String(h.ids.lists[0]),
      name: 'VP Sales — mid-market',
      contact_count: 12,
    });
    expect(f.documents[0].content.length).toBeGreaterThan(50);
    expect(f.sequence.steps.map((s: { step_id: string }) => s.step_id)).toEqual([
      'email_intro',
      'email_follow_up',
      'email_breakup',
    ]);
    expect(f.sequence.steps.every((s: { is_complete: boolean }) => s.is_complete)).toBe(true);
    expect(f.step_catalog.length).toBeGreaterThan(4);
    expect(f.linked_sequences).toEqual([
      { link_id: expect.any(String), id: expect.any(String), name: expect.any(String), status: 'live' },
    ]);
    expect(f.is_launched).toBe(false);
  });

  it('returns one document; 404 for a foreign pairing or an archived parent', () => {
    const doc = h.get(`/campaigns/${cmp(READY)}/documents/${docOf(READY)}`).body.data;
    expect(doc).toMatchObject({
      campaign_id: cmp(READY),
      status: 'completed',
      version: 1,
      type: 'messaging_framework',
    });
    expect(h.get(`/campaigns/${cmp(DRAFT)}/documents/${docOf(READY)}`).body).toEqual({
      detail: 'Document not found',
    });
    expect(h.get(`/campaigns/${cmp(ARCHIVED)}/documents/${docOf(ARCHIVED)}`).body).toEqual({
      detail: 'Campaign not found',
    });
    expect(h.get(`/campaigns/${cmp('Other org outbound', OTHER)}`).status).toBe(404);
    expect(h.get(`/campaigns/${cmp(ARCHIVED)}/full`).status).toBe(404);
  });
});

describe('POST /campaigns', () => {
  it('creates a draft without generation', () => {
    const res = h.post('/campaigns', { name: 'Spring launch' });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      name: 'Spring launch',
      slug: 'spring-launch',
      status: 'draft',
      category: 'Outbound',
      audience_list_id: null,
      target_channels: ['email'],
      secondary_hooks: [],
      generation_status: 'skipped',
      total_documents: 0,
    });
    expect(h.post('/campaigns', { name: 'Spring launch' }).body.data.slug).toBe('spring-launch-2');
    expect(h.debits).toHaveLength(0);
  });

  it('auto-generates copy: copy_in_progress, then active with documents and steps after a few seconds', () => {
    const res = h.post('/campaigns', {
      name: 'Nordics',
      audience_list_id: String(h.ids.lists[1]),
      target_channels: ['Email', 'linkedin'],
      primary_hook: 'Nordic teams forecast in spreadsheets',
      auto_generate_documents: true,
    });
    expect(res.body.data).toMatchObject({
      status: 'copy_in_progress',
      generation_status: 'in_progress',
      total_documents: 5,
      audience_list_id: String(h.ids.lists[1]),
      target_channels: ['email', 'linkedin'],
    });
    expect(h.debits).toEqual([{ amount: 5, reason: expect.any(String) }]);
    const id = res.body.data.id;
    expect(h.get(`/campaigns/${id}`).body.data.status).toBe('copy_in_progress');
    h.now += 4000;
    const full = h.get(`/campaigns/${id}/full`).body.data;
    expect(full.status).toBe('active');
    expect(full.generation_status).toBe('completed');
    expect(
      full.documents.every(
        (d: { status: string; content: string }) => d.status === 'completed' && d.content !== '',
      ),
    ).toBe(true);
    expect(full.documents.find((d: { type: string }) => d.type === 'messaging_framework').content).toContain(
      'Nordic teams forecast',
    );
    expect(full.sequence.steps.map((s: { step_id: string }) => s.step_id)).toContain('linkedin_connect');
  });

  it('404 unknown list, 422 bad input, 402 when generation is unaffordable', () => {
    expect(h.post('/campaigns', { name: 'X', audience_list_id: String(h.ids.otherList) }).body).toEqual({
      detail: 'Audience list not found',
    });
    expect(
      locs(h.post('/campaigns', { name: '', target_channels: ['fax'], audience_list_id: 'abc' }).body),
    ).toEqual(['body.name', 'body.audience_list_id', 'body.target_channels.0']);
    expect(h.post('/campaigns', { name: 'x'.repeat(256) }).status).toBe(422);
    h.balance = 2;
    const before = h.row('SELECT COUNT(*) AS n FROM camp_campaigns').n;
    expect(h.post('/campaigns', { name: 'Costly', auto_generate_documents: true }).status).toBe(402);
    expect(h.row('SELECT COUNT(*) AS n FROM camp_campaigns').n).toBe(before);
  });
});

describe('PATCH /campaigns/:campaign_id', () => {
  it('updates plain fields; 400 empty; 404 archived or foreign; 422 limits', () => {
    expect(h.patch(`/campaigns/${cmp(DRAFT)}`, { goal: 'Book 20 demos' }).body).toEqual({
      data: { id: cmp(DRAFT), updated: true },
    });
    expect(h.get(`/campaigns/${cmp(DRAFT)}`).body.data.goal).toBe('Book 20 demos');
    expect(h.patch(`/campaigns/${cmp(DRAFT)}`, {}).body).toEqual({ detail: 'No fields to update' });
    expect(h.patch(`/campaigns/${cmp(ARCHIVED)}`, { goal: 'x' }).status).toBe(404);
    expect(h.patch(`/campaigns/${cmp('Other org outbound', OTHER)}`, { goal: 'x' }).status).toBe(404);
    expect(h.patch(`/campaigns/${cmp(DRAFT)}`, { target_persona: 'x'.repeat(201) }).status).toBe(422);
  });
});

describe('PATCH /campaigns/:campaign_id/full', () => {
  it('applies deep fields together and returns the full snapshot', () => {
    const id = cmp(DRAFT);
    const seq = h.row("SELECT id FROM seq_sequences WHERE name = 'Series B fintech founders'").id;
    const draftDoc = h.row(
      "SELECT id, version FROM camp_documents WHERE campaign_id = ? AND status = 'draft' LIMIT 1",
      id,
    );
    const res = h.patch(`/campaigns/${id}/full`, {
      name: 'Masterclass follow-up',
      audience_list_id: String(h.ids.lists[1]),
      documents: [
        { id: draftDoc.id, status: 'completed', content: '# Final copy' },
        { file_type: 'one_pager', display_name: 'One-pager', content: 'Hello', status: 'completed' },
      ],
      sequence_steps: [
        { step_id: 'email_intro', day: 0 },
        { step_id: 'email_case_study', day: 4, stop_on_reply: false },
      ],
      linked_sequence_ids: [seq],
    });
    expect(res.status).toBe(200);
    const f = res.body.data;
    expect(f.name).toBe('Masterclass follow-up');
    expect(f.audience.list_id).toBe(String(h.ids.lists[1]));
    expect(f.documents.find((d: { id: string }) => d.id === draftDoc.id)).toMatchObject({
      status: 'completed',
      version: draftDoc.version + 1,
    });
    expect(f.documents.find((d: { name: string }) => d.name === 'One-pager')).toMatchObject({
      type: 'one_pager',
      version: 1,
    });
    expect(f.sequence.steps).toEqual([
      expect.objectContaining({ step_id: 'email_intro', day: 0, stop_on_reply: true }),
      expect.objectContaining({ step_id: 'email_case_study', day: 4, stop_on_reply: false }),
    ]);
    expect(f.linked_sequences.map((s: { id: string }) => s.id)).toEqual([seq]);
    const cleared = h.patch(`/campaigns/${id}/full`, {
      detach_audience: true,
      sequence_steps: [],
      unlink_sequence_ids: [seq],
    }).body.data;
    expect(cleared).toMatchObject({ audience: null, audience_list_id: null, linked_sequences: [] });
    expect(cleared.sequence.steps).toEqual([]);
  });

  it('400 step not in catalog (even for a foreign id), 400 contradiction, 400 empty', () => {
    const bad = { sequence_steps: [{ step_id: 'carrier_pigeon', day: 1 }] };
    expect(h.patch(`/campaigns/${cmp(DRAFT)}/full`, bad).status).toBe(400);
    expect(h.patch(`/campaigns/${cmp('Other org outbound', OTHER)}/full`, bad).status).toBe(400);
    expect(
      h.patch(`/campaigns/${cmp(DRAFT)}/full`, { audience_list_id: '1', detach_audience: true }).status,
    ).toBe(400);
    expect(h.patch(`/campaigns/${cmp(DRAFT)}/full`, {}).body).toEqual({ detail: 'No fields to update' });
  });

  it('422 document create without type/name; 404 references; 409 documents during generation; all-or-nothing', () => {
    const id = cmp(DRAFT);
    expect(locs(h.patch(`/campaigns/${id}/full`, { documents: [{ content: 'x' }] }).body)).toEqual([
      'body.documents.0.file_type',
      'body.documents.0.display_name',
    ]);
    const before = h.get(`/campaigns/${id}/full`).body.data;
    const res = h.patch(`/campaigns/${id}/full`, { name: 'Changed', linked_sequence_ids: ['seq_missing'] });
    expect(res.body).toEqual({ detail: 'Sequence not found: seq_missing' });
    expect(h.patch(`/campaigns/${id}/full`, { documents: [{ id: docOf(READY), content: 'x' }] }).status).toBe(
      404,
    );
    expect(h.patch(`/campaigns/${id}/full`, { audience_list_id: String(h.ids.otherList) }).status).toBe(404);
    expect(h.get(`/campaigns/${id}/full`).body.data).toEqual(before);
    const gen = cmp(IN_PROGRESS);
    expect(
      h.patch(`/campaigns/${gen}/full`, { documents: [{ id: docOf(IN_PROGRESS), content: 'x' }] }).status,
    ).toBe(409);
  });
});

describe('POST /campaigns/:campaign_id/launch', () => {
  it('launches a ready campaign: live sequence, auto-picked mailbox, credits, outbox', () => {
    const id = cmp(READY);
    expect(h.route('POST', `/campaigns/${id}/launch`).scope).toBe('campaigns:launch');
    const res = h.post(`/campaigns/${id}/launch?validate=true`, {
      schedule_id: '9b2f7c1e-4a5d-4e8f-9a0b-1c2d3e4f5a6b',
    });
    expect(res.status).toBe(200);
    const d = res.body.data;
    expect(d).toMatchObject({
      status: 'live',
      campaign_id: id,
      sequence_id: expect.stringMatching(/^seq_/),
      sequence_name: READY,
      steps_created: 3,
      link_id: expect.stringMatching(/^lnk_/),
      channels_attached: [
        {
          mailbox_id: h.ids.mailboxes.gmail,
          email: 'alex@acme.test',
          channel_type: 'GMAIL',
          auto_picked: true,
        },
      ],
      agent_assigned: { textual_agent_name: null, voice_agent_name: null },
      schedule_id: '9b2f7c1e-4a5d-4e8f-9a0b-1c2d3e4f5a6b',
      execution: { status: 'running', contacts_total: 12, orchestrator_version: 'v2' },
    });
    expect(h.debits).toEqual([{ amount: 36, reason: expect.any(String) }]);
    expect(h.outbox).toEqual([expect.objectContaining({ kind: 'campaign.launch' })]);
    const seq = h.row(
      'SELECT status, campaign_id, contacts_active FROM seq_sequences WHERE id = ?',
      d.sequence_id,
    );
    expect(seq).toEqual({ status: 'live', campaign_id: id, contacts_active: 12 });
    const preview = h.get(`/sequences/${d.sequence_id}/preview`).body.data;
    expect(preview.steps.map((s: { step_type: string }) => s.step_type)).toEqual(['EMAIL', 'EMAIL', 'EMAIL']);
    expect(preview.steps[1].time_interval).toBe(3 * 86400);
    const full = h.get(`/campaigns/${id}/full`).body.data;
    expect(full).toMatchObject({
      status: 'live',
      is_launched: true,
      sequence: { launched_sequence_id: d.sequence_id },
    });
    expect(h.post(`/campaigns/${id}/launch?validate=true`, {}).status).toBe(409);
  });

  it('400 without validate=true or with disable_auto_pick', () => {
    expect(h.post(`/campaigns/${cmp(READY)}/launch`, {}).status).toBe(400);
    expect(h.post(`/campaigns/${cmp(READY)}/launch?validate=false`, {}).status).toBe(400);
    expect(h.post(`/campaigns/${cmp(READY)}/launch?validate=true&disable_auto_pick=true`, {}).status).toBe(
      400,
    );
    expect(
      h.post(`/campaigns/${cmp(READY)}/launch?validate=true`, { sender_mailbox_ids: ['a'] }).status,
    ).toBe(422);
  });

  it('400 with every readiness problem listed', () => {
    const draft = h.post(`/campaigns/${cmp(DRAFT)}/launch?validate=true`, {});
    expect(draft.status).toBe(400);
    expect(draft.body.detail.status).toBe('not_ready');
    expect(draft.body.detail.problems.map((p: { code: string }) => p.code)).toEqual([
      'no_audience',
      'copy_incomplete',
    ]);
    const gen = h
      .post(`/campaigns/${cmp(IN_PROGRESS)}/launch?validate=true`, {})
      .body.detail.problems.map((p: { code: string }) => p.code);
    expect(gen).toEqual(['copy_in_progress', 'no_steps']);
    const boxes = h
      .post(`/campaigns/${cmp(READY)}/launch?validate=true`, {
        sender_mailbox_ids: [
          h.ids.mailboxes.archived,
          h.ids.mailboxes.disconnected,
          99999,
          h.ids.mailboxes.other,
        ],
      })
      .body.detail.problems.map((p: { code: string }) => p.code);
    expect(boxes).toEqual(['mailbox_archived', 'mailbox_inactive', 'mailbox_not_found', 'mailbox_not_found']);
    h.patch(`/campaigns/${cmp(READY)}/full`, {
      sequence_steps: [
        { step_id: 'email_intro', day: 0 },
        { step_id: 'linkedin_connect', day: 1 },
      ],
    });
    const li = h
      .post(`/campaigns/${cmp(READY)}/launch?validate=true`, {})
      .body.detail.problems.map((p: { code: string }) => p.code);
    expect(li).toContain('unsupported_channel');
    h.patch(`/campaigns/${cmp(READY)}/full`, { audience_list_id: String(h.ids.emptyList) });
    const empty = h
      .post(`/campaigns/${cmp(READY)}/launch?validate=true`, {})
      .body.detail.problems.map((p: { code: string }) => p.code);
    expect(empty).toContain('empty_audience');
    expect(h.outbox).toHaveLength(0);
  });

  it('uses the given mailboxes; 402 leaves everything unchanged; 404 archived', () => {
    h.balance = 10;
    const short = h.post(`/campaigns/${cmp(READY)}/launch?validate=true`, {
      sender_mailbox_ids: [h.ids.mailboxes.outlook],
    });
    expect(short.status).toBe(402);
    expect(h.get(`/campaigns/${cmp(READY)}`).body.data.status).toBe('active');
    expect(h.row('SELECT COUNT(*) AS n FROM seq_sequences WHERE name = ?', READY).n).toBe(0);
    h.balance = 1000;
    const res = h.post(`/campaigns/${cmp(READY)}/launch?validate=true`, {
      sender_mailbox_ids: [h.ids.mailboxes.outlook],
      textual_agent_name: 'Ava',
    }).body.data;
    expect(res.channels_attached).toEqual([
      {
        mailbox_id: h.ids.mailboxes.outlook,
        email: 'sales@acme.test',
        channel_type: 'SMTP',
        auto_picked: false,
      },
    ]);
    expect(res.agent_assigned.textual_agent_name).toBe('Ava');
    expect(res.warnings.join(' ')).toContain('warming up');
    expect(h.post(`/campaigns/${cmp(ARCHIVED)}/launch?validate=true`, {}).status).toBe(404);
  });
});

describe('repo-scoped campaign routes', () => {
  const repo = (org = 'org_demo'): string =>
    h.row('SELECT id FROM repo_repos WHERE org_id = ? ORDER BY created_at LIMIT 1', org).id;

  it('lists and reads campaigns linked to a repo', () => {
    const list = h.get(`/repos/${repo()}/campaigns?limit=1`);
    expect(list.body.pagination).toMatchObject({ total: 2, limit: 1, has_next: true });
    expect(h.get(`/repos/${repo()}/campaigns/${cmp(READY)}`).body.data.documents.length).toBeGreaterThan(0);
    expect(h.get(`/repos/${repo()}/campaigns/${cmp(IN_PROGRESS)}`).body).toEqual({
      detail: 'Campaign not found',
    });
    expect(h.get(`/repos/${repo(OTHER)}/campaigns`).status).toBe(404);
    expect(h.get(`/repos/${repo()}/campaigns?limit=201`).status).toBe(422);
  });
});
