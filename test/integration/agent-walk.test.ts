/**
 * The GTM task of issue 18, walked the way a model does it: through the built stdio server (gtm
 * mode, default confirmation, a client without elicitation) against the sandbox, using only what
 * the tools answer — no database lookups. Find VP-level contacts in the Netherlands, open one,
 * create a 2-step sequence, read the inbox, draft and send a reply, and push the contact to the
 * CRM. Every id comes from an earlier answer; every gated call goes preview → confirmation_token →
 * act, and what acted is visible at the sandbox. (The wrong turns: agent-walk-errors.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { type StdioSession, startStdio } from '../helpers/stdio.js';

// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field, as a model reads them
type Answer = Record<string, any>;

describe('an agent walk: the GTM task from search to CRM', () => {
  let sb: TestSandbox;
  let agent: StdioSession;

  const call = async (name: string, args: Record<string, unknown>): Promise<Answer> => {
    const r = await agent.client.callTool({ name, arguments: args });
    expect(
      r.isError,
      `${name}: ${JSON.stringify(r.structuredContent ?? r.content).slice(0, 500)}`,
    ).toBeFalsy();
    return r.structuredContent as Answer;
  };
  /** A gated call as a client without elicitation makes it: the preview, then the token. */
  const confirmed = async (name: string, args: Record<string, unknown>): Promise<Answer> => {
    const preview = await call(name, args);
    expect(preview.confirmation_token, `${name} previews before acting`).toEqual(expect.any(String));
    return call(name, { ...args, confirm: true, confirmation_token: preview.confirmation_token });
  };

  beforeAll(async () => {
    sb = await startTestSandbox();
    agent = await startStdio({
      G8_API_KEY: sb.demoKey,
      G8_API_URL: sb.url,
      G8_MCP_MODE: 'gtm',
      G8_LOG_LEVEL: 'warn',
    });
  });
  afterAll(async () => {
    await agent?.close();
    await sb?.stop();
  });

  it('completes the task, each step from what the previous one answered', async () => {
    // 1. VP-level contacts in the Netherlands.
    const found = await call('g8_search_contacts', {
      seniority_level: 'VP',
      country: 'Netherlands',
      limit: 25,
    });
    expect(found.items.length).toBeGreaterThan(0);
    expect(found.pagination.has_next).toBe(false);
    for (const c of found.items) expect(c).toMatchObject({ seniority_level: 'VP', country: 'Netherlands' });

    // 2. Open one.
    const contact = await call('g8_get_contact', { contact_id: found.items[0].id });
    expect(contact.id).toBe(found.items[0].id);

    // 3. A 2-step sequence. Its owner is an org member: the key's user (g8_whoami), or — this key
    // is the org's, with no user — a member's own mailbox address (g8_list_mailboxes).
    const me = await call('g8_whoami', {});
    const { items: mailboxes } = await call('g8_list_mailboxes', {});
    const own = mailboxes.find((m: Answer) => ['gmail', 'outlook'].includes(m.provider));
    const owner = me.principal?.user_email ?? own?.email;
    expect(owner).toEqual(expect.stringContaining('@'));
    const sequence = await confirmed('g8_create_sequence', {
      name: 'NL VPs: intro',
      user_email: owner,
      steps: [
        {
          step_order: 1,
          step_type: 'EMAIL',
          input_type: 'MANUAL_TEMPLATE',
          step_data: { subject: 'Hi {{first_name}}', body: 'A short intro.' },
        },
        {
          step_order: 2,
          step_type: 'EMAIL',
          input_type: 'MANUAL_TEMPLATE',
          time_interval: 172_800,
          step_data: { subject: 'Re: Hi {{first_name}}', body: 'Following up.' },
        },
      ],
    });
    const preview = await call('g8_get_sequence_preview', { sequence_id: sequence.id });
    expect(preview.steps).toHaveLength(2);

    // 4. The inbox, a thread, its draft; the reply sent from a mailbox g8_list_mailboxes names.
    const inbox = await call('g8_list_inbox', { channel: 'email' });
    const thread = inbox.items.find((t: Answer) => t.status === 'open' && t.contact?.email) ?? inbox.items[0];
    expect(thread.contact.email).toEqual(expect.stringContaining('@'));
    const draft = await confirmed('g8_get_reply_draft', { reply_id: thread.id, channel: 'email' });
    const from = mailboxes.find((m: Answer) => m.connection_status === 'connected' && !m.is_archived);
    expect(from?.email).toEqual(expect.any(String));
    const sent = await confirmed('g8_send_reply', {
      reply_id: thread.id,
      channel: 'email',
      body: `<p>${String(draft.draft ?? draft.body ?? 'Thanks, talk soon.')}</p>`,
      to: thread.contact.email,
      from_address: from.email,
    });
    expect(sent).toBeDefined();

    // 5. The contact pushed to a connected CRM (g8_list_crm_syncs says which one is).
    const syncs = await call('g8_list_crm_syncs', {});
    const crm = (syncs.items ?? syncs.syncs ?? []).find(
      (s: Answer) => s.status === 'connected' || s.connected,
    );
    const provider = crm?.provider ?? 'hubspot';
    const pushed = await confirmed('g8_push_to_crm_contact', {
      provider,
      records: [
        { work_email: contact.work_email, first_name: contact.first_name, last_name: contact.last_name },
      ],
    });
    expect(pushed).toBeDefined();

    // What acted reached graph8 once each: the sequence exists, and the reply and the push are in the
    // sandbox's outbox (where it keeps what it would have sent), one of each.
    const seqs = await sb.rest('GET', '/sequences');
    expect(JSON.stringify(seqs.body)).toContain('NL VPs: intro');
    const outbox = sb.db.prepare('SELECT kind FROM outbox ORDER BY rowid').all() as { kind: string }[];
    expect(outbox.filter((o) => o.kind === 'inbox.send_reply')).toHaveLength(1);
    expect(outbox.filter((o) => o.kind === 'crm.push')).toHaveLength(1);
  });
});
