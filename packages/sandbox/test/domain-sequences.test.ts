import { beforeEach, describe, expect, it } from 'vitest';
import { Harness, locs, OTHER } from './domain-harness.js';

let h: Harness;
const seqId = (name: string, org = 'org_demo'): string =>
  h.row('SELECT id FROM seq_sequences WHERE name = ? AND org_id = ?', name, org).id;
const LIVE = 'Q3 mid-market VP Sales — cold outbound';
const ABM = 'Enterprise ABM — LinkedIn first';
const PAUSED = 'Webinar no-show nurture';
const DRAFT = 'Series B fintech founders';
const SCHEDULING = 'EMEA RevOps leaders';
const ARCHIVED = '2023 holiday promo';

beforeEach(() => {
  h = new Harness();
});

function draftBody(extra: Record<string, unknown> = {}) {
  return {
    name: 'New outbound',
    user_email: 'jamie@acme.test',
    steps: [
      {
        step_order: 1,
        step_type: 'email',
        input_type: 'template',
        step_data: {
          subject: '{Hi|Hello|Hey} {{first_name}}',
          body: 'At {{company_name}}, {quick|short} question.',
        },
      },
      {
        step_order: 2,
        step_type: 'LinkedIn',
        time_interval: 86400,
        step_data: { linkedin_action_type: 'VIEW_PROFILE' },
      },
    ],
    channels: [{ channel_id: h.ids.mailboxes.gmail, channel_value: 'alex@acme.test', channel_type: 'GMAIL' }],
    ...extra,
  };
}

describe('POST /sequences', () => {
  it('creates a draft and normalises step aliases', () => {
    const res = h.post('/sequences', draftBody());
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ name: 'New outbound', status: 'drafted' });
    expect(res.body.data.id).toMatch(/^seq_[0-9a-f]{16}$/);
    expect(res.body.data.created_at).toBe(new Date(h.now).toISOString());
    const steps = h.rows(
      'SELECT step_type, input_type FROM seq_steps WHERE sequence_id = ? ORDER BY step_order',
      res.body.data.id,
    );
    expect(steps).toEqual([
      { step_type: 'EMAIL', input_type: 'MANUAL_TEMPLATE' },
      { step_type: 'HEYREACH', input_type: 'ON_DEMAND' },
    ]);
    expect(h.route('POST', '/sequences').scope).toBe('sequences:run');
  });

  it('answers 422 for schema errors and changes nothing', () => {
    const before = h.row('SELECT COUNT(*) AS n FROM seq_sequences').n;
    const res = h.post('/sequences', {
      user_email: 'not-an-email',
      steps: [{ step_order: 0, step_type: 'FAX' }],
    });
    expect(res.status).toBe(422);
    expect(locs(res.body)).toEqual(
      expect.arrayContaining([
        'body.name',
        'body.user_email',
        'body.steps.0.step_order',
        'body.steps.0.step_type',
      ]),
    );
    expect(h.row('SELECT COUNT(*) AS n FROM seq_sequences').n).toBe(before);
  });

  it('answers 422 when the owner is not an org member', () => {
    const res = h.post('/sequences', draftBody({ user_email: 'hank@globex.test' }));
    expect(res.status).toBe(422);
    expect(locs(res.body)).toEqual(['body.user_email']);
  });

  it('nurture needs a pinned mailbox that every email channel uses (422)', () => {
    const missing = h.post('/sequences', draftBody({ sequence_kind: 'nurture' }));
    expect(missing.status).toBe(422);
    expect(locs(missing.body)).toEqual(['body.pinned_mailbox_id']);
    const foreign = h.post(
      '/sequences',
      draftBody({ sequence_kind: 'nurture', pinned_mailbox_id: h.ids.mailboxes.other }),
    );
    expect(foreign.status).toBe(422);
    const mismatch = h.post(
      '/sequences',
      draftBody({ sequence_kind: 'nurture', pinned_mailbox_id: h.ids.mailboxes.outlook }),
    );
    expect(mismatch.status).toBe(422);
    expect(locs(mismatch.body)).toEqual(['body.channels.0.channel_id']);
  });

  it('nurture with no email channel sends from the pinned mailbox', () => {
    const res = h.post(
      '/sequences',
      draftBody({ sequence_kind: 'nurture', pinned_mailbox_id: h.ids.mailboxes.outlook, channels: [] }),
    );
    expect(res.status).toBe(201);
    const channels = h.rows(
      'SELECT channel_id, channel_type FROM seq_channels WHERE sequence_id = ?',
      res.body.data.id,
    );
    expect(channels).toEqual([{ channel_id: h.ids.mailboxes.outlook, channel_type: 'SMTP' }]);
    const pinned = h.row(
      'SELECT sequence_kind, pinned_mailbox_id FROM seq_sequences WHERE id = ?',
      res.body.data.id,
    );
    expect(pinned).toEqual({ sequence_kind: 'nurture', pinned_mailbox_id: h.ids.mailboxes.outlook });
  });

  it('answers 400 for invalid step or channel config', () => {
    const gap = draftBody();
    (gap.steps[1] as { step_order: number }).step_order = 3;
    expect(h.post('/sequences', gap).status).toBe(400);
    const noAction = draftBody();
    (noAction.steps[1] as { step_data: object }).step_data = {};
    const res = h.post('/sequences', noAction);
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('linkedin_action_type');
    const foreignMailbox = draftBody({
      channels: [
        { channel_id: h.ids.mailboxes.other, channel_value: 'hank@globex.test', channel_type: 'GMAIL' },
      ],
    });
    expect(h.post('/sequences', foreignMailbox).status).toBe(400);
    const wrongAddress = draftBody({
      channels: [
        { channel_id: h.ids.mailboxes.gmail, channel_value: 'someone@else.test', channel_type: 'GMAIL' },
      ],
    });
    expect(h.post('/sequences', wrongAddress).status).toBe(400);
    const spintaxOnDemand = draftBody();
    (spintaxOnDemand.steps[0] as { input_type: string }).input_type = 'ON_DEMAND';
    expect(h.post('/sequences', spintaxOnDemand).status).toBe(400);
  });

  it('answers 404 for a list or campaign outside the org', () => {
    expect(h.post('/sequences', draftBody({ associated_list_id: h.ids.otherList })).body).toEqual({
      detail: 'List not found',
    });
    expect(h.post('/sequences', draftBody({ campaign_id: 'nope' })).status).toBe(404);
  });
});

describe('GET /sequences', () => {
  it('lists non-archived sequences with cursor pagination', () => {
    const first = h.get('/sequences?limit=4');
    expect(first.status).toBe(200);
    expect(first.body.pagination).toMatchObject({ page: 1, limit: 4, total: 6, has_next: true });
    expect(first.body.data.map((s: { name: string }) => s.name)).not.toContain(ARCHIVED);
    const second = h.get(`/sequences?limit=4&cursor=${first.body.pagination.next_cursor}`);
    expect(second.body.data).toHaveLength(2);
    expect(second.body.pagination).toMatchObject({ page: 2, has_next: false, next_cursor: null });
    expect(h.get('/sequences?cursor=garbage').body).toEqual({
      type: 'bad_request',
      code: '400',
      detail: 'Invalid cursor',
    });
    expect(h.get('/sequences?status=live').body.data).toHaveLength(2);
  });
});

describe('GET /sequences/:sequence_id/preview', () => {
  it('renders merge tokens and up to three spintax variants', () => {
    const created = h.post('/sequences', draftBody({ associated_list_id: h.ids.lists[0] })).body.data.id;
    const res = h.get(`/sequences/${created}/preview`);
    expect(res.status).toBe(200);
    const contact = h.row('SELECT first_name FROM contacts WHERE id = ?', h.ids.contacts[0]);
    const [email, linkedin] = res.body.data.steps;
    expect(email.rendered.total_combinations).toBe(6);
    expect(email.rendered.variants).toHaveLength(3);
    expect(email.rendered.subject).toBe(`Hi ${contact.first_name}`);
    expect(email.rendered.body).toBe('At Northwind, quick question.');
    expect(
      new Set(email.rendered.variants.map((v: { subject: string; body: string }) => v.subject + v.body)).size,
    ).toBe(3);
    expect(email.rendered.will_send_as_shown).toBe(false);
    expect(email.step_data.subject).toContain('{Hi|Hello|Hey}');
    expect(linkedin.rendered).toBeNull(); // ON_DEMAND
    expect(res.body.data.channels[0]).toEqual({
      id: expect.any(String),
      channel_id: h.ids.mailboxes.gmail,
      channel_value: 'alex@acme.test',
      channel_type: 'GMAIL',
    });
  });

  it('lists content issues such as an unknown merge token', () => {
    const res = h.get(`/sequences/${seqId(DRAFT)}/preview`);
    const step = res.body.data.steps.find((s: { step_type: string }) => s.step_type === 'HEYREACH');
    expect(step.rendered.content_issues).toContain('Unknown merge token {{frist_name}}');
    expect(step.rendered.will_send_as_shown).toBe(false);
  });

  it('answers 404 for another org’s sequence', () => {
    expect(h.get(`/sequences/${seqId('Other org outbound', OTHER)}/preview`).body).toEqual({
      detail: 'Sequence not found',
    });
  });
});

describe('PATCH /sequences/:sequence_id', () => {
  it('updates metadata', () => {
    const res = h.patch(`/sequences/${seqId(LIVE)}`, { name: 'Renamed', finish_on_reply: false });
    expect(res.body).toEqual({ data: { sequence_id: seqId('Renamed'), status: 'live', updated: true } });
    expect(h.row('SELECT finish_on_reply FROM seq_sequences WHERE name = ?', 'Renamed').finish_on_reply).toBe(
      0,
    );
  });

  it('400 empty, 422 bad type, 404 foreign, 409 transitional', () => {
    expect(h.patch(`/sequences/${seqId(LIVE)}`, {}).body).toEqual({ detail: 'No fields to update' });
    expect(h.patch(`/sequences/${seqId(LIVE)}`, { is_shared: 'yes' }).status).toBe(422);
    expect(h.patch(`/sequences/${seqId(LIVE)}`, { sequence_kind: 'nurture' }).status).toBe(400);
    expect(h.patch(`/sequences/${seqId('Other org outbound', OTHER)}`, { name: 'x' }).status).toBe(404);
    expect(h.patch(`/sequences/${seqId(SCHEDULING)}`, { name: 'x' }).status).toBe(409);
  });
});

describe('DELETE /sequences/:sequence_id/channels/linkedin', () => {
  it('requires force while live, supports dry_run, and pauses on forced removal', () => {
    const id = seqId(ABM);
    expect(h.route('DELETE', `/sequences/${id}/channels/linkedin`).scope).toBe('sequences:delete');
    expect(h.delete(`/sequences/${id}/channels/linkedin`).status).toBe(409);
    const dry = h.delete(`/sequences/${id}/channels/linkedin?force=true&dry_run=true`);
    expect(dry.body.data).toEqual({ steps_removed: 3, channels_removed: 1, paused: true, dry_run: true });
    expect(h.row('SELECT COUNT(*) AS n FROM seq_steps WHERE sequence_id = ?', id).n).toBe(4);
    const real = h.delete(`/sequences/${id}/channels/linkedin?force=true`);
    expect(real.body.data).toEqual({ steps_removed: 3, channels_removed: 1, paused: true, dry_run: false });
    expect(h.row('SELECT status FROM seq_sequences WHERE id = ?', id).status).toBe('paused');
    expect(h.rows('SELECT step_order, step_type FROM seq_steps WHERE sequence_id = ?', id)).toEqual([
      { step_order: 1, step_type: 'EMAIL' },
    ]);
  });

  it('needs no force on a draft and rejects a bad flag', () => {
    expect(h.delete(`/sequences/${seqId(DRAFT)}/channels/linkedin`).body.data).toMatchObject({
      steps_removed: 1,
      paused: false,
    });
    expect(h.delete(`/sequences/${seqId(DRAFT)}/channels/linkedin?force=maybe`).status).toBe(422);
  });
});

describe('PATCH /sequences/:sequence_id/steps/:step_id', () => {
  const stepOf = (seq: string, order: number): string =>
    h.row('SELECT id FROM seq_steps WHERE sequence_id = ? AND step_order = ?', seqId(seq), order).id;

  it('accepts case-insensitive enum aliases', () => {
    const res = h.patch(`/sequences/${seqId(LIVE)}/steps/${stepOf(LIVE, 4)}`, {
      step_type: 'Linkedin',
      input_type: 'AI',
      step_data: { linkedin_action_type: 'MESSAGE', linkedin_message_text: 'hi' },
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      sequence_id: seqId(LIVE),
      status: 'live',
      contacts_affected: expect.any(Number),
    });
    expect(h.row('SELECT step_type, input_type FROM seq_steps WHERE id = ?', stepOf(LIVE, 4))).toEqual({
      step_type: 'HEYREACH',
      input_type: 'AI_GENERATED_TEMPLATE',
    });
  });

  it('400 empty, 422 spintax on an ON_DEMAND email step, 422 bad enum, 404 unknown step, 409 transitional', () => {
    const onDemand = stepOf(DRAFT, 1);
    expect(h.patch(`/sequences/${seqId(DRAFT)}/steps/${onDemand}`, {}).status).toBe(400);
    const spintax = h.patch(`/sequences/${seqId(DRAFT)}/steps/${onDemand}`, {
      step_data: { subject: '{A|B}', body: 'x' },
    });
    expect(spintax.status).toBe(422);
    expect(locs(spintax.body)).toEqual(['body.step_data']);
    expect(h.patch(`/sequences/${seqId(DRAFT)}/steps/${onDemand}`, { step_type: 'fax' }).status).toBe(422);
    expect(h.patch(`/sequences/${seqId(DRAFT)}/steps/${stepOf(LIVE, 1)}`, { time_interval: 5 }).body).toEqual(
      {
        detail: 'Step not found',
      },
    );
    expect(
      h.patch(`/sequences/${seqId(SCHEDULING)}/steps/${stepOf(SCHEDULING, 1)}`, { time_interval: 5 }).status,
    ).toBe(409);
  });
});

describe('pause / resume', () => {
  it('pauses a live sequence and resumes it', () => {
    const id = seqId(LIVE);
    const active = h.row('SELECT contacts_active FROM seq_sequences WHERE id = ?', id).contacts_active;
    expect(h.post(`/sequences/${id}/pause`).body.data).toEqual({
      sequence_id: id,
      status: 'paused',
      contacts_affected: active,
    });
    expect(h.post(`/sequences/${id}/pause`).status).toBe(409);
    expect(h.post(`/sequences/${id}/resume`).body.data).toEqual({
      sequence_id: id,
      status: 'live',
      contacts_affected: active,
    });
    expect(h.post(`/sequences/${id}/resume`).status).toBe(409);
  });

  it('409 for drafts and transitional states, 404 across orgs', () => {
    expect(h.post(`/sequences/${seqId(DRAFT)}/pause`).status).toBe(409);
    expect(h.post(`/sequences/${seqId(SCHEDULING)}/resume`).status).toBe(409);
    expect(h.post(`/sequences/${seqId(PAUSED)}/resume`).status).toBe(200);
    expect(h.post(`/sequences/${seqId('Other org outbound', OTHER)}/pause`).status).toBe(404);
  });
});

describe('GET /sequences/:sequence_id/analytics', () => {
  it('reports counts and rates as fractions', () => {
    const res = h.get(`/sequences/${seqId(LIVE)}/analytics`);
    const d = res.body.data;
    expect(d.overview.sent).toBeGreaterThan(0);
    for (const rate of Object.values(d.performance) as number[]) {
      expect(rate).toBeGreaterThanOrEqual(0);
      expect(rate).toBeLessThanOrEqual(1);
    }
    expect(d.step_breakdown).toHaveLength(5);
    expect(d.engagement.by_day.length).toBeGreaterThan(0);
    expect(d.contact_distribution).toEqual({
      active: expect.any(Number),
      completed: expect.any(Number),
      stopped: expect.any(Number),
    });
    expect(d.sender_distribution.reduce((a: number, s: { sent: number }) => a + s.sent, 0)).toBe(
      d.step_breakdown
        .filter((s: { step_type: string }) => s.step_type === 'EMAIL')
        .reduce((a: number, s: { sent: number }) => a + s.sent, 0),
    );
    const fresh = h.post('/sequences', draftBody()).body.data.id;
    expect(h.get(`/sequences/${fresh}/analytics`).body.data.performance.open_rate).toBe(0);
  });
});

describe('DELETE /sequences/:sequence_id', () => {
  it('archives, then 400 on a second archive', () => {
    const id = seqId(PAUSED);
    expect(h.delete(`/sequences/${id}`).body).toEqual({ data: { sequence_id: id, is_archived: true } });
    expect(h.delete(`/sequences/${id}`).body).toEqual({ detail: 'Sequence is already archived' });
    expect(h.get('/sequences').body.data.map((s: { id: string }) => s.id)).not.toContain(id);
    expect(h.post(`/sequences/${id}/resume`).status).toBe(409);
  });

  it('409 while live or transitional, 404 across orgs', () => {
    expect(h.delete(`/sequences/${seqId(LIVE)}`).status).toBe(409);
    expect(h.delete(`/sequences/${seqId(SCHEDULING)}`).status).toBe(409);
    expect(h.delete(`/sequences/${seqId('Other org outbound', OTHER)}`).status).toBe(404);
    expect(h.delete(`/sequences/${seqId(ARCHIVED)}`).status).toBe(400);
  });
});
