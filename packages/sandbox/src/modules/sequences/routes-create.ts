/** POST /sequences (create a draft) and GET /sequences (list, an extra read the tools' users need). */
import { z } from 'zod';
import { type Ctx, type Db, fail, ok, okList, parse, type Route } from '../../module.js';
import { newId } from '../../util/ids.js';
import { findList, findMailbox, findMember, type MailboxRow, mailboxChannelType } from '../../util/org.js';
import { pageParams, pagination } from '../../util/pagination.js';
import { qStr } from '../../util/query.js';
import { iso } from '../../util/time.js';
import { hasSpintax } from './spintax.js';
import { insertSequence, type NewChannel } from './store.js';
import {
  type ChannelInput,
  channelInput,
  EMAIL_CHANNELS,
  type StepInput,
  stepDataProblem,
  stepInput,
} from './vocabulary.js';

const createBody = z.object({
  name: z.string().trim().min(1).max(255),
  user_email: z.email(),
  description: z.string().max(5000).optional(),
  finish_on_reply: z.boolean().default(true),
  send_in_same_thread: z.boolean().default(false),
  wait_for_new_contacts: z.boolean().default(false),
  associated_list_id: z.number().int().min(1).optional(),
  steps: z.array(stepInput).max(50).default([]),
  channels: z.array(channelInput).max(20).default([]),
  campaign_id: z.string().trim().min(1).optional(),
  sequence_kind: z.enum(['cold_outbound', 'nurture']).default('cold_outbound'),
  pinned_mailbox_id: z.number().int().optional(),
});
type CreateBody = z.infer<typeof createBody>;

/** Nurture sequences send from one pinned mailbox; the contract makes every violation a 422. */
function checkNurture(db: Db, orgId: string, body: CreateBody): MailboxRow {
  if (body.pinned_mailbox_id === undefined) {
    throw fail.unprocessable(
      ['body', 'pinned_mailbox_id'],
      'pinned_mailbox_id is required when sequence_kind is nurture',
    );
  }
  const mailbox = findMailbox(db, orgId, body.pinned_mailbox_id);
  if (!mailbox || mailbox.is_archived === 1) {
    throw fail.unprocessable(
      ['body', 'pinned_mailbox_id'],
      'pinned_mailbox_id does not match a mailbox of this organization',
    );
  }
  body.channels.forEach((ch, i) => {
    if (EMAIL_CHANNELS.has(ch.channel_type) && ch.channel_id !== mailbox.id) {
      throw fail.unprocessable(
        ['body', 'channels', i, 'channel_id'],
        'every email channel of a nurture sequence must use pinned_mailbox_id',
      );
    }
  });
  return mailbox;
}

function checkSteps(steps: readonly StepInput[]): void {
  const orders = steps.map((s) => s.step_order).sort((a, b) => a - b);
  orders.forEach((order, i) => {
    if (order !== i + 1) throw fail.badRequest('steps: step_order must run 1..n without gaps or repeats');
  });
  steps.forEach((step, i) => {
    const problem = stepDataProblem(step.step_type, step.step_data);
    if (problem) throw fail.badRequest(`steps[${i}]: ${problem}`);
    const copy = `${String(step.step_data.subject ?? '')}\n${String(step.step_data.body ?? '')}`;
    if (step.step_type === 'EMAIL' && step.input_type === 'ON_DEMAND' && hasSpintax(copy)) {
      throw fail.badRequest(`steps[${i}]: spintax is not allowed on an ON_DEMAND email step`);
    }
  });
}

function checkChannels(db: Db, orgId: string, channels: readonly ChannelInput[]): void {
  const seen = new Set<string>();
  channels.forEach((ch, i) => {
    const key = `${ch.channel_type}:${ch.channel_id}`;
    if (seen.has(key))
      throw fail.badRequest(`channels[${i}]: duplicate ${ch.channel_type} channel ${ch.channel_id}`);
    seen.add(key);
    if (!EMAIL_CHANNELS.has(ch.channel_type)) return;
    const mailbox = findMailbox(db, orgId, ch.channel_id);
    if (!mailbox)
      throw fail.badRequest(`channels[${i}]: mailbox ${ch.channel_id} is not a mailbox of this organization`);
    if (mailbox.is_archived === 1)
      throw fail.badRequest(`channels[${i}]: mailbox ${ch.channel_id} is archived`);
    if (mailbox.email.toLowerCase() !== ch.channel_value.toLowerCase()) {
      throw fail.badRequest(`channels[${i}]: channel_value must be the mailbox address ${mailbox.email}`);
    }
  });
}

function create(ctx: Ctx) {
  const body = parse(createBody, ctx.req.body, 'body');
  const { db } = ctx;
  const orgId = ctx.auth.orgId;
  const owner = findMember(db, orgId, body.user_email);
  if (!owner) {
    throw fail.unprocessable(
      ['body', 'user_email'],
      'user_email must be the email of a member of this organization',
    );
  }
  const pinned = body.sequence_kind === 'nurture' ? checkNurture(db, orgId, body) : null;
  checkSteps(body.steps);
  checkChannels(db, orgId, body.channels);
  if (body.associated_list_id !== undefined && !findList(db, orgId, body.associated_list_id)) {
    throw fail.notFound('List not found');
  }
  if (body.campaign_id !== undefined) {
    const campaign = db
      .prepare('SELECT 1 FROM camp_campaigns WHERE id = ? AND org_id = ? AND is_archived = 0')
      .get(body.campaign_id, orgId);
    if (!campaign) throw fail.notFound('Campaign not found');
  }
  const channels: NewChannel[] = body.channels.map((c) => ({ ...c }));
  // A nurture sequence with no email channel still sends from its pinned mailbox: attach it.
  if (pinned && !channels.some((c) => EMAIL_CHANNELS.has(c.channel_type))) {
    channels.push({
      channel_id: pinned.id,
      channel_value: pinned.email,
      channel_type: mailboxChannelType(pinned),
      channel_data: {},
    });
  }
  const createdAt = iso(ctx.now());
  const id = insertSequence(db, newId, {
    orgId,
    name: body.name,
    ownerEmail: owner.email,
    status: 'drafted',
    description: body.description ?? null,
    kind: body.sequence_kind,
    pinnedMailboxId: pinned?.id ?? null,
    finishOnReply: body.finish_on_reply,
    sendInSameThread: body.send_in_same_thread,
    waitForNewContacts: body.wait_for_new_contacts,
    associatedListId: body.associated_list_id ?? null,
    campaignId: body.campaign_id ?? null,
    steps: body.steps,
    channels,
    createdAt,
  });
  return ok({ id, name: body.name, status: 'drafted', created_at: createdAt }, 201);
}

const STATUSES = [
  'drafted',
  'live',
  'paused',
  'completed',
  'scheduling',
  'pausing',
  'resuming',
  'terminating',
] as const;
const listQuery = z.object({ status: qStr(z.enum(STATUSES).optional()) });

function list(ctx: Ctx) {
  const query = parse(listQuery, ctx.req.query, 'query');
  const page = pageParams(ctx.req.query);
  const where = `org_id = ? AND is_archived = 0${query.status ? ' AND status = ?' : ''}`;
  const args: unknown[] = [ctx.auth.orgId, ...(query.status ? [query.status] : [])];
  const total = (
    ctx.db.prepare(`SELECT COUNT(*) AS n FROM seq_sequences WHERE ${where}`).get(...args) as { n: number }
  ).n;
  const rows = ctx.db
    .prepare(
      `SELECT s.id, s.name, s.status, s.sequence_kind, s.campaign_id, s.associated_list_id,
        s.contacts_active + s.contacts_completed + s.contacts_stopped AS contacts_total,
        (SELECT COUNT(*) FROM seq_steps t WHERE t.sequence_id = s.id) AS step_count,
        (SELECT COUNT(*) FROM seq_channels c WHERE c.sequence_id = s.id) AS channel_count,
        s.created_at, s.updated_at
       FROM seq_sequences s WHERE ${where} ORDER BY s.created_at DESC, s.id LIMIT ? OFFSET ?`,
    )
    .all(...args, page.limit, page.offset);
  return okList(rows, pagination(page, total));
}

export const createRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/sequences',
    scope: 'sequences:run',
    summary: 'Create a draft sequence',
    handler: create,
  },
  {
    method: 'GET',
    path: '/sequences',
    scope: 'sequences:read',
    summary: 'List sequences (not archived)',
    handler: list,
  },
];
