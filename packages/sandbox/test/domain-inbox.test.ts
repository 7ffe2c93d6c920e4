import { beforeEach, describe, expect, it } from 'vitest';
import { Harness, locs, OTHER } from './domain-harness.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});

const thread = (store: string, org = 'org_demo') =>
  h.row(
    'SELECT * FROM inbox_threads WHERE store = ? AND org_id = ? ORDER BY updated_at DESC LIMIT 1',
    store,
    org,
  );
const tagId = (name: string, org = 'org_demo'): string =>
  h.row('SELECT id FROM inbox_tags WHERE name = ? AND org_id = ?', name, org).id;

describe('GET /inbox', () => {
  it('lists threads newest first with page/page_size pagination', () => {
    const res = h.get('/inbox?page_size=10');
    expect(res.status).toBe(200);
    expect(res.body.pagination).toMatchObject({ page: 1, limit: 10, total: 25, has_next: true });
    const row = res.body.data[0];
    expect(row).toMatchObject({
      id: expect.any(String),
      channel: expect.stringMatching(/email|sms|linkedin/),
    });
    expect(row.contact).toEqual({
      email: expect.any(String),
      name: expect.any(String),
      company: expect.any(String),
    });
    expect(row.messages).toBeUndefined();
    const dates = res.body.data.map((t: { updated_at: string }) => t.updated_at);
    expect([...dates].sort().reverse()).toEqual(dates);
    const page3 = h.get('/inbox?page_size=10&page=3');
    expect(page3.body.data).toHaveLength(5);
    expect(page3.body.pagination).toMatchObject({ has_next: false, next_cursor: null });
    const viaCursor = h.get(`/inbox?page_size=10&cursor=${res.body.pagination.next_cursor}`);
    expect(viaCursor.body.pagination.page).toBe(2);
    expect(h.get('/inbox?cursor=bad!').status).toBe(400);
  });

  it('clamps page_size to 1..100 and echoes it as pagination.limit', () => {
    expect(h.get('/inbox?page_size=500').body.pagination.limit).toBe(100);
    expect(h.get('/inbox?page_size=0').body.pagination.limit).toBe(1);
    expect(h.get('/inbox').body.pagination.limit).toBe(50);
    expect(h.get('/inbox?page_size=lots').status).toBe(422);
  });

  it('filters by channel, status, assignee, tag and sequence', () => {
    const linkedin = h.get('/inbox?channel=linkedin').body.data;
    expect(linkedin).toHaveLength(5);
    expect(
      linkedin.every(
        (t: { channel: string; id: string }) => t.channel === 'linkedin' && t.id.startsWith('conv_li_'),
      ),
    ).toBe(true);
    const open = h.get('/inbox?status=open').body.data;
    expect(open.every((t: { status: string }) => t.status === 'open')).toBe(true);
    expect(h.get('/inbox?status=unread').status).toBe(422);
    const assigned = h.get('/inbox?assignee=JAMIE@acme.test').body.data;
    expect(assigned.length).toBeGreaterThan(0);
    for (const t of assigned)
      expect(t.assignees.map((a: { email: string }) => a.email)).toContain('jamie@acme.test');
    const interested = tagId('Interested');
    const tagged = h.get(`/inbox?tag=${interested}`).body.data;
    expect(tagged.length).toBeGreaterThan(0);
    const excluded = h.get(`/inbox?exclude_tag_ids=${interested},${tagId('Unsubscribe')}`).body;
    expect(
      excluded.data.some((t: { tags: { id: string }[] }) => t.tags.some((x) => x.id === interested)),
    ).toBe(false);
    const seq = thread('email').sequence_id;
    expect(
      h
        .get(`/inbox?sequence_id=${seq}`)
        .body.data.every((t: { sequence_id: string }) => t.sequence_id === seq),
    ).toBe(true);
    expect(h.get('/inbox', { org: OTHER }).body.pagination.total).toBe(2);
  });
});

describe('GET /inbox/:reply_id', () => {
  it('returns the thread with messages from the selected store', () => {
    const t = thread('email');
    const res = h.get(`/inbox/${t.id}`);
    expect(res.body.data.id).toBe(t.id);
    expect(res.body.data.messages[0]).toEqual({
      message_id: expect.any(String),
      from_address: expect.any(String),
      to_addresses: [expect.any(String)],
      content: expect.any(String),
      responder: 'USER',
      date: expect.any(String),
      is_draft: false,
    });
    const li = thread('heyreach');
    expect(h.get(`/inbox/${li.id}?channel=linkedin`).body.data.channel).toBe('linkedin');
    expect(h.get(`/inbox/${li.id}`).body).toEqual({
      detail: 'Reply not found in the email inbox: it is a linkedin thread (pass channel=linkedin)',
    });
    expect(h.get('/inbox/thr_nope').body).toEqual({ detail: 'Reply not found' });
    expect(h.get(`/inbox/${t.id}?channel=sms`).status).toBe(404);
  });

  it('caps long messages unless full_messages=true', () => {
    const long = h.row(
      'SELECT thread_id, length(content) AS n FROM inbox_messages WHERE length(content) > 2000 LIMIT 1',
    );
    const capped = h
      .get(`/inbox/${long.thread_id}`)
      .body.data.messages.find((m: { content_truncated?: boolean }) => m.content_truncated);
    expect(capped).toMatchObject({ content_truncated: true, content_chars: long.n });
    expect(capped.content.length).toBeLessThanOrEqual(2001);
    const full = h.get(`/inbox/${long.thread_id}?full_messages=true`).body.data.messages;
    expect(full.some((m: { content_truncated?: boolean }) => m.content_truncated)).toBe(false);
    expect(Math.max(...full.map((m: { content: string }) => m.content.length))).toBe(long.n);
  });

  it('400 for null/undefined/blank ids, 404 across orgs, 422 bad channel', () => {
    for (const bad of ['null', 'undefined', '%20']) expect(h.get(`/inbox/${bad}`).status).toBe(400);
    expect(h.get(`/inbox/${thread('email', OTHER).id}`).status).toBe(404);
    expect(h.get(`/inbox/${thread('email').id}?channel=fax`).status).toBe(422);
  });
});

describe('POST /inbox/:reply_id/assign', () => {
  it('assigns a member and records the notification in the outbox', () => {
    const t = thread('sms');
    const res = h.post(`/inbox/${t.id}/assign?channel=sms`, { assignee_email: 'Rio@acme.test' });
    expect(res.body.data).toEqual({
      assigned: true,
      assignee: { email: 'rio@acme.test', name: 'Rio Morgan' },
      count: 1,
    });
    expect(h.outbox).toHaveLength(1);
    expect(h.outbox[0]).toMatchObject({
      kind: 'inbox.assign_notification',
      payload: { reply_id: t.id, assignee_email: 'rio@acme.test' },
    });
    expect(
      h.get(`/inbox/${t.id}?channel=sms`).body.data.assignees.map((a: { email: string }) => a.email),
    ).toContain('rio@acme.test');
  });

  it('422 for a non-member or bad email, 404 unknown thread, nothing recorded', () => {
    const t = thread('email');
    const outsider = h.post(`/inbox/${t.id}/assign`, { assignee_email: 'hank@globex.test' });
    expect(outsider.status).toBe(422);
    expect(locs(outsider.body)).toEqual(['body.assignee_email']);
    expect(h.post(`/inbox/${t.id}/assign`, { assignee_email: 'nope' }).status).toBe(422);
    expect(h.post('/inbox/thr_missing/assign', { assignee_email: 'rio@acme.test' }).status).toBe(404);
    expect(h.outbox).toHaveLength(0);
  });
});

describe('POST /inbox/:reply_id/tag', () => {
  it('adds existing tags', () => {
    const t = thread('email');
    const before = h.get(`/inbox/${t.id}`).body.data.tags.length;
    const res = h.post(`/inbox/${t.id}/tag`, { tag_ids: [tagId('Referral'), tagId('Not now')] });
    expect(res.body.data.tagged).toBe(true);
    expect(res.body.data.tag_count).toBeGreaterThanOrEqual(Math.max(before, 2));
  });

  it('422 for unknown or foreign tag ids and for an empty list', () => {
    const t = thread('email');
    const res = h.post(`/inbox/${t.id}/tag`, { tag_ids: [tagId('Referral'), tagId('Interested', OTHER)] });
    expect(res.status).toBe(422);
    expect(locs(res.body)).toEqual(['body.tag_ids.1']);
    expect(h.post(`/inbox/${t.id}/tag`, { tag_ids: [] }).status).toBe(422);
    expect(h.post('/inbox/undefined/tag', { tag_ids: [tagId('Referral')] }).status).toBe(400);
  });
});

describe('GET /inbox/:reply_id/draft', () => {
  it('charges one credit and returns HTML and plain text', () => {
    const t = h.row(
      "SELECT t.id FROM inbox_threads t JOIN inbox_messages m ON m.thread_id = t.id WHERE t.store = 'email' AND m.content LIKE '%pricing%' LIMIT 1",
    );
    const res = h.get(`/inbox/${t.id}/draft`);
    expect(res.body.data.credits_charged).toBe(1);
    expect(res.body.data.content).toMatch(/^<p>Hi /);
    expect(res.body.data.plain_content).toContain('Pricing is per seat');
    expect(h.debits).toEqual([{ amount: 1, reason: expect.stringContaining(t.id) }]);
    expect(h.route('GET', `/inbox/${t.id}/draft`).scope).toBe('inbox:read');
  });

  it('402 when the balance is short, 404 before charging', () => {
    expect(h.get('/inbox/thr_missing/draft').status).toBe(404);
    h.balance = 0;
    const res = h.get(`/inbox/${thread('email').id}/draft`);
    expect(res.status).toBe(402);
    expect(res.body).toMatchObject({ type: 'payment_required', code: '402' });
    expect(h.debits).toHaveLength(0);
  });
});

describe('POST /inbox/:reply_id/send', () => {
  it('sends an email reply: outbox, appended message, status responded', () => {
    const t = thread('email');
    const res = h.post(`/inbox/${t.id}/send`, {
      channel: 'email',
      body: '<p>Thanks!</p>',
      to: t.contact_email,
      from_address: 'alex@acme.test',
      subject: 'Re: hello',
    });
    expect(res.body.data).toEqual({
      message_id: expect.stringMatching(/^msg_/),
      status: 'sent',
      channel: 'email',
    });
    const after = h.get(`/inbox/${t.id}`).body.data;
    expect(after.status).toBe('responded');
    expect(after.messages.at(-1)).toMatchObject({
      message_id: res.body.data.message_id,
      responder: 'USER',
      content: '<p>Thanks!</p>',
    });
    expect(h.outbox[0]).toMatchObject({
      kind: 'inbox.send_reply',
      payload: { to: t.contact_email, channel: 'email' },
    });
  });

  it('sends on SMS and LinkedIn with their address rules', () => {
    const sms = thread('sms');
    expect(
      h.post(`/inbox/${sms.id}/send`, {
        channel: 'sms',
        body: 'ok',
        to: '+14155550100',
        from_address: '+14155550142',
      }).status,
    ).toBe(200);
    const li = thread('heyreach');
    const res = h.post(`/inbox/${li.id}/send`, {
      channel: 'linkedin',
      body: 'Thanks!',
      from_address: '48211937',
    });
    expect(res.body.data.channel).toBe('linkedin');
  });

  it('400 per channel rule, 422 schema, 404 thread; nothing sent', () => {
    const t = thread('email');
    const li = thread('heyreach');
    const cases: [string, Record<string, unknown>][] = [
      [t.id, { channel: 'email', body: 'x', from_address: 'alex@acme.test' }],
      [t.id, { channel: 'email', body: 'x', to: 'a@b.test' }],
      [t.id, { channel: 'email', body: 'x', to: 'a@b.test', from_address: 'archived@acme.test' }],
      [t.id, { channel: 'fax', body: 'x', to: 'a@b.test', from_address: 'alex@acme.test' }],
      [thread('sms').id, { channel: 'sms', body: 'x', from_address: '+14155550142' }],
      [thread('sms').id, { channel: 'sms', body: 'x', to: '555-0100', from_address: '+14155550142' }],
      [li.id, { channel: 'linkedin', body: 'x', from_address: 'me@linkedin' }],
    ];
    for (const [id, body] of cases)
      expect(h.post(`/inbox/${id}/send`, body).status, JSON.stringify(body)).toBe(400);
    expect(
      h.post(`/inbox/${t.id}/send`, { channel: 'email', to: 'a@b.test', from_address: 'alex@acme.test' })
        .status,
    ).toBe(422);
    expect(
      h.post(`/inbox/${li.id}/send`, {
        channel: 'email',
        body: 'x',
        to: 'a@b.test',
        from_address: 'alex@acme.test',
      }).status,
    ).toBe(404);
    expect(h.outbox).toHaveLength(0);
  });
});
