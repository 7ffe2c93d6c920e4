/** Read routes of a sequence: the rendered preview and the analytics report. */
import { type Ctx, ok, type Route } from '../../module.js';
import { readJson } from '../../util/json.js';
import { findMember, orgContacts } from '../../util/org.js';
import { renderStep, type Sender } from './render.js';
import { type ChannelRow, channelsOf, findSequence, type SequenceRow, stepsOf } from './schema.js';
import { EMAIL_CHANNELS } from './vocabulary.js';

function senderOf(ctx: Ctx, seq: SequenceRow, channels: readonly ChannelRow[]): Sender {
  const owner = findMember(ctx.db, ctx.auth.orgId, seq.owner_email);
  const email = channels.find((c) => EMAIL_CHANNELS.has(c.channel_type))?.channel_value ?? seq.owner_email;
  return { name: owner?.name ?? seq.owner_email.split('@')[0] ?? 'Sender', email };
}

function preview(ctx: Ctx) {
  const seq = findSequence(ctx.db, ctx.auth.orgId, ctx.req.params.sequence_id ?? '');
  const steps = stepsOf(ctx.db, seq.id);
  const channels = channelsOf(ctx.db, seq.id);
  // Render against a real contact: the list's first member, else the org's first contact.
  const contact =
    orgContacts(ctx.db, ctx.auth.orgId, 1, seq.associated_list_id)[0] ??
    orgContacts(ctx.db, ctx.auth.orgId, 1)[0] ??
    null;
  const sender = senderOf(ctx, seq, channels);
  return ok({
    id: seq.id,
    name: seq.name,
    status: seq.status,
    description: seq.description,
    sequence_kind: seq.sequence_kind,
    is_archived: seq.is_archived === 1,
    preview_contact: contact
      ? {
          id: contact.id,
          name: `${contact.first_name ?? ''} ${contact.last_name ?? ''}`.trim(),
          company: contact.company_name,
        }
      : null,
    steps: steps.map((s) => {
      const stepData = readJson<Record<string, unknown>>(s.step_data, {});
      return {
        id: s.id,
        step_order: s.step_order,
        step_type: s.step_type,
        input_type: s.input_type,
        time_interval: s.time_interval,
        step_data: stepData,
        rendered: renderStep({ ...s, step_data: stepData }, contact, sender, seq.send_in_same_thread === 1),
      };
    }),
    channels: channels.map((c) => ({
      id: c.id,
      channel_id: c.channel_id,
      channel_value: c.channel_value,
      channel_type: c.channel_type,
    })),
  });
}

const rate = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0);

function analytics(ctx: Ctx) {
  const seq = findSequence(ctx.db, ctx.auth.orgId, ctx.req.params.sequence_id ?? '');
  const steps = stepsOf(ctx.db, seq.id);
  const channels = channelsOf(ctx.db, seq.id);
  const sum = (k: 'sent' | 'opened' | 'clicked' | 'replied' | 'bounced') =>
    steps.reduce((a, s) => a + s[k], 0);
  const sent = sum('sent');
  const opened = sum('opened');
  const clicked = sum('clicked');
  const replied = sum('replied');
  const bounced = sum('bounced');
  const delivered = sent - bounced;
  const byDay = ctx.db
    .prepare('SELECT day AS date, sent, opened, replied FROM seq_daily WHERE sequence_id = ? ORDER BY day')
    .all(seq.id);
  const timeline = ctx.db
    .prepare('SELECT at, event, detail FROM seq_events WHERE sequence_id = ? ORDER BY id')
    .all(seq.id);
  const methods = new Map<string, number>();
  for (const s of steps) methods.set(s.input_type, (methods.get(s.input_type) ?? 0) + 1);
  const senders = channels.filter((c) => EMAIL_CHANNELS.has(c.channel_type));
  const emailSent = steps.filter((s) => s.step_type === 'EMAIL').reduce((a, s) => a + s.sent, 0);
  return ok({
    sequence_id: seq.id,
    status: seq.status,
    overview: {
      contacts_total: seq.contacts_active + seq.contacts_completed + seq.contacts_stopped,
      sent,
      delivered,
      opened,
      clicked,
      replied,
      bounced,
    },
    performance: {
      delivery_rate: rate(delivered, sent),
      open_rate: rate(opened, delivered),
      click_rate: rate(clicked, delivered),
      reply_rate: rate(replied, delivered),
      bounce_rate: rate(bounced, sent),
    },
    engagement: { by_day: byDay },
    timeline,
    contact_distribution: {
      active: seq.contacts_active,
      completed: seq.contacts_completed,
      stopped: seq.contacts_stopped,
    },
    step_breakdown: steps.map((s) => ({
      step_id: s.id,
      step_order: s.step_order,
      step_type: s.step_type,
      sent: s.sent,
      opened: s.opened,
      clicked: s.clicked,
      replied: s.replied,
      bounced: s.bounced,
      open_rate: rate(s.opened, s.sent - s.bounced),
      reply_rate: rate(s.replied, s.sent - s.bounced),
    })),
    step_creation_methods: [...methods].map(([input_type, count]) => ({ input_type, count })),
    // Email volume split evenly across sending mailboxes (the sandbox rotates senders round-robin).
    sender_distribution: senders.map((c, i) => {
      const share = Math.floor(emailSent / senders.length) + (i < emailSent % senders.length ? 1 : 0);
      return {
        channel_id: c.channel_id,
        channel_value: c.channel_value,
        channel_type: c.channel_type,
        sent: share,
        share: rate(share, emailSent),
      };
    }),
  });
}

export const readRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/sequences/:sequence_id/preview',
    scope: 'sequences:read',
    summary: 'Preview a sequence with rendered steps',
    handler: preview,
  },
  {
    method: 'GET',
    path: '/sequences/:sequence_id/analytics',
    scope: 'sequences:read',
    summary: 'Sequence analytics (rates are fractions 0..1)',
    handler: analytics,
  },
];
