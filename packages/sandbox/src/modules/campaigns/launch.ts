/**
 * POST /campaigns/:campaign_id/launch — readiness is mandatory (§2.7): every problem found is
 * returned at once in a structured 400 so the caller can fix them in one pass. A launch creates a
 * live sequence from the campaign's email steps, charges ≈1 credit per contact per email step, and
 * records the outreach in the outbox instead of sending it.
 */
import { z } from 'zod';
import { type Ctx, fail, HttpError, ok, parse, type Route } from '../../module.js';
import { newId } from '../../util/ids.js';
import { readJson } from '../../util/json.js';
import {
  activeMailboxes,
  findList,
  findMailbox,
  isMailboxActive,
  type MailboxRow,
  mailboxChannelType,
  orgMembers,
} from '../../util/org.js';
import { qBool } from '../../util/query.js';
import { iso } from '../../util/time.js';
import { insertSequence, type NewStep } from '../sequences/store.js';
import { type EmailCopy, emailCopy, settleGeneration } from './generate.js';
import { type CampaignRow, catalogStep, documentsOf, findCampaign, stepsOf } from './schema.js';

const launchQuery = z.object({
  validate: qBool(z.boolean().default(false)),
  disable_auto_pick: qBool(z.boolean().default(false)),
});

const launchBody = z.object({
  sender_mailbox_ids: z.array(z.number().int().min(1)).min(1).max(20).optional(),
  textual_agent_name: z.string().trim().min(1).max(255).optional(),
  voice_agent_name: z.string().trim().min(1).max(255).optional(),
  schedule_id: z.uuid().optional(),
  appointment_id: z.number().int().min(1).optional(),
});
type LaunchBody = z.infer<typeof launchBody>;

interface Problem {
  code: string;
  message: string;
}

interface Sender {
  mailbox: MailboxRow;
  autoPicked: boolean;
}

function pickSenders(ctx: Ctx, body: LaunchBody, problems: Problem[]): Sender[] {
  if (body.sender_mailbox_ids === undefined) {
    const first = activeMailboxes(ctx.db, ctx.auth.orgId)[0];
    if (!first) {
      problems.push({
        code: 'no_active_mailbox',
        message: 'No active, non-archived mailbox to auto-pick: connect one or pass sender_mailbox_ids',
      });
      return [];
    }
    return [{ mailbox: first, autoPicked: true }];
  }
  const senders: Sender[] = [];
  for (const id of new Set(body.sender_mailbox_ids)) {
    const mailbox = findMailbox(ctx.db, ctx.auth.orgId, id);
    if (!mailbox) problems.push({ code: 'mailbox_not_found', message: `Mailbox ${id} not found` });
    else if (mailbox.is_archived === 1)
      problems.push({ code: 'mailbox_archived', message: `Mailbox ${id} is archived` });
    else if (!isMailboxActive(mailbox))
      problems.push({ code: 'mailbox_inactive', message: `Mailbox ${id} is ${mailbox.connection_status}` });
    else senders.push({ mailbox, autoPicked: false });
  }
  return senders;
}

function readiness(ctx: Ctx, c: CampaignRow, problems: Problem[]): { contacts: number } {
  let contacts = 0;
  if (c.audience_list_id === null) {
    problems.push({ code: 'no_audience', message: 'No audience: attach a list with audience_list_id' });
  } else {
    contacts = findList(ctx.db, c.org_id, c.audience_list_id)?.member_count ?? 0;
    if (contacts === 0)
      problems.push({ code: 'empty_audience', message: 'The audience list has no contacts' });
  }
  const docs = documentsOf(ctx.db, c.id);
  if (c.status === 'copy_in_progress') {
    problems.push({
      code: 'copy_in_progress',
      message: 'Copy is still being generated: re-read the campaign shortly',
    });
  } else if (docs.length === 0) {
    problems.push({ code: 'no_copy', message: 'No campaign copy: add documents first' });
  } else {
    const open = docs.filter((d) => d.status !== 'completed').map((d) => d.name);
    if (open.length > 0)
      problems.push({ code: 'copy_incomplete', message: `Copy not completed: ${open.join(', ')}` });
  }
  const steps = stepsOf(ctx.db, c.id);
  if (steps.length === 0)
    problems.push({ code: 'no_steps', message: 'No sequence step: set sequence_steps first' });
  const channels = [...new Set(steps.map((s) => catalogStep(s.step_id)?.channel ?? 'email'))].filter(
    (ch) => ch !== 'email',
  );
  if (channels.length > 0) {
    problems.push({
      code: 'unsupported_channel',
      message: `Steps need ${channels.join(', ')}; API launch supports email only`,
    });
  }
  return { contacts };
}

/** The copy an email step sends: the email document's structured copy, else a generated default. */
function emailStepsOf(ctx: Ctx, c: CampaignRow): NewStep[] {
  const doc = documentsOf(ctx.db, c.id).find((d) => d.type === 'email_copy');
  const stored = readJson<{ emails?: Record<string, EmailCopy> }>(doc?.structured_data, {}).emails ?? {};
  const fallback = emailCopy({
    name: c.name,
    persona: c.target_persona ?? 'revenue leaders',
    hook: c.primary_hook ?? 'forecasts built on guesswork cost you the quarter',
    concept: c.core_concept ?? 'see pipeline risk early',
    goal: c.goal ?? 'book a call',
  });
  let previousDay = 0;
  return stepsOf(ctx.db, c.id).map((s, i) => {
    const copy = stored[s.step_id] ?? fallback[s.step_id] ?? fallback.email_intro;
    const wait = Math.max(0, s.day - previousDay) * 86_400;
    previousDay = s.day;
    return {
      step_order: i + 1,
      step_type: 'EMAIL',
      input_type: 'MANUAL_TEMPLATE',
      time_interval: i === 0 ? 0 : wait,
      step_data: { subject: copy?.subject ?? '', body: copy?.body ?? '', email_type: 'plain' },
    };
  });
}

function launch(ctx: Ctx) {
  const query = parse(launchQuery, ctx.req.query, 'query');
  const body = parse(launchBody, ctx.req.body, 'body');
  if (!query.validate)
    throw fail.badRequest('validate=true is required: launches always run the readiness checks');
  if (query.disable_auto_pick)
    throw fail.badRequest('disable_auto_pick is not supported: pass sender_mailbox_ids instead');
  settleGeneration(ctx.db, ctx.auth.orgId, ctx.now());
  const c = findCampaign(ctx.db, ctx.auth.orgId, ctx.req.params.campaign_id ?? '');
  if (c.launched_at !== null)
    throw fail.conflict(`Campaign is already launched (sequence ${c.launched_sequence_id})`);

  const problems: Problem[] = [];
  const { contacts } = readiness(ctx, c, problems);
  const senders = pickSenders(ctx, body, problems);
  if (problems.length > 0) {
    throw new HttpError(400, {
      detail: {
        status: 'not_ready',
        message: `Campaign is not ready to launch: ${problems[0]?.message}`,
        problems,
      },
    });
  }

  const steps = emailStepsOf(ctx, c);
  ctx.credits.debit(
    contacts * steps.length,
    `Launch of campaign "${c.name}": ${contacts} contacts × ${steps.length} email steps`,
  );

  const nowMs = ctx.now();
  const now = iso(nowMs);
  const members = orgMembers(ctx.db, ctx.auth.orgId);
  const owner =
    ctx.auth.userEmail ??
    members.find((m) => m.role === 'admin')?.email ??
    members[0]?.email ??
    'owner@example.com';
  const settings = {
    schedule_id: body.schedule_id ?? null,
    appointment_id: body.appointment_id ?? null,
    textual_agent_name: body.textual_agent_name ?? null,
    voice_agent_name: body.voice_agent_name ?? null,
  };
  const sequenceId = insertSequence(ctx.db, newId, {
    orgId: ctx.auth.orgId,
    name: c.name,
    ownerEmail: owner,
    status: 'live',
    description: `Launched from campaign ${c.name}`,
    sendInSameThread: true,
    associatedListId: c.audience_list_id,
    campaignId: c.id,
    contacts: { active: contacts, completed: 0, stopped: 0 },
    settings,
    steps,
    channels: senders.map((s) => ({
      channel_id: s.mailbox.id,
      channel_value: s.mailbox.email,
      channel_type: mailboxChannelType(s.mailbox),
      channel_data: {},
    })),
    createdAt: now,
  });
  const linkId = newId('lnk');
  ctx.db
    .prepare(
      'INSERT INTO camp_linked_sequences (id, campaign_id, sequence_id, linked_at) VALUES (?, ?, ?, ?)',
    )
    .run(linkId, c.id, sequenceId, now);
  ctx.db
    .prepare(
      "UPDATE camp_campaigns SET status = 'live', launched_at = ?, launched_sequence_id = ?, updated_at = ? WHERE id = ?",
    )
    .run(now, sequenceId, now, c.id);

  const warnings: string[] = [];
  for (const s of senders) {
    if (s.mailbox.warmup_status === 'active' || s.mailbox.warmup_status === 'not_started') {
      warnings.push(
        `Mailbox ${s.mailbox.email} is still warming up: sends are capped at ${s.mailbox.daily_limit ?? 'its'} per day`,
      );
    }
  }
  if (body.schedule_id === undefined)
    warnings.push("No schedule_id: sends follow the org's default business-hours schedule");
  const channelsAttached = senders.map((s) => ({
    mailbox_id: s.mailbox.id,
    email: s.mailbox.email,
    channel_type: mailboxChannelType(s.mailbox),
    auto_picked: s.autoPicked,
  }));
  ctx.outbox.record(
    'campaign.launch',
    `Launch "${c.name}": ${contacts} contacts × ${steps.length} email steps`,
    {
      campaign_id: c.id,
      sequence_id: sequenceId,
      audience_list_id: c.audience_list_id,
      contacts,
      steps: steps.map((s) => ({
        step_order: s.step_order,
        subject: s.step_data.subject,
        wait_seconds: s.time_interval,
      })),
      senders: channelsAttached,
    },
  );
  return ok({
    status: 'live',
    campaign_id: c.id,
    sequence_id: sequenceId,
    sequence_name: c.name,
    steps_created: steps.length,
    link_id: linkId,
    warnings,
    channels_attached: channelsAttached,
    agent_assigned: {
      textual_agent_name: settings.textual_agent_name,
      voice_agent_name: settings.voice_agent_name,
    },
    schedule_id: settings.schedule_id,
    appointment_id: settings.appointment_id,
    execution: { status: 'running', contacts_total: contacts, orchestrator_version: 'v2' },
    message: `Campaign launched: ${contacts} contacts enrolled in sequence "${c.name}" (${steps.length} email steps)`,
  });
}

export const launchRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/campaigns/:campaign_id/launch',
    scope: 'campaigns:launch',
    summary: 'Launch a campaign (starts real outbound)',
    handler: launch,
  },
];
