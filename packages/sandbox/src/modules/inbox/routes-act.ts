/** Actions on a thread: assign (notifies), tag, and send a reply (recorded in the outbox). */
import { z } from 'zod';
import { type Ctx, fail, ok, parse, type Route } from '../../module.js';
import { newId } from '../../util/ids.js';
import { findMailboxByEmail, findMember, isMailboxActive } from '../../util/org.js';
import { qStr } from '../../util/query.js';
import { iso } from '../../util/time.js';
import { CHANNELS, type Channel, checkReplyId, findThread } from './schema.js';

const channelQuery = z.object({ channel: qStr(z.enum(CHANNELS).default('email')) });
const assignBody = z.object({ assignee_email: z.email() });

function assign(ctx: Ctx) {
  const q = parse(channelQuery, ctx.req.query, 'query');
  const body = parse(assignBody, ctx.req.body, 'body');
  const member = findMember(ctx.db, ctx.auth.orgId, body.assignee_email);
  if (!member)
    throw fail.unprocessable(
      ['body', 'assignee_email'],
      'assignee_email is not a member of this organization',
    );
  const id = checkReplyId(ctx.req.params.reply_id);
  const thread = findThread(ctx.db, ctx.auth.orgId, id, q.channel);
  const now = iso(ctx.now());
  // Assigning adds a teammate (threads may have several); re-assigning the same person is a no-op.
  ctx.db
    .prepare(
      'INSERT OR IGNORE INTO inbox_assignees (thread_id, email, name, assigned_at) VALUES (?, ?, ?, ?)',
    )
    .run(thread.id, member.email, member.name, now);
  ctx.db.prepare('UPDATE inbox_threads SET updated_at = ? WHERE id = ?').run(now, thread.id);
  ctx.outbox.record(
    'inbox.assign_notification',
    `Notify ${member.email} that thread ${thread.id} was assigned to them`,
    {
      reply_id: thread.id,
      channel: q.channel,
      assignee_email: member.email,
      assigned_by: ctx.auth.userEmail,
    },
  );
  return ok({ assigned: true, assignee: { email: member.email, name: member.name }, count: 1 });
}

const tagBody = z.object({ tag_ids: z.array(z.string().trim().min(1)).min(1).max(50) });

function tag(ctx: Ctx) {
  const q = parse(channelQuery, ctx.req.query, 'query');
  const body = parse(tagBody, ctx.req.body, 'body');
  const known = ctx.db.prepare('SELECT id FROM inbox_tags WHERE id = ? AND org_id = ?');
  body.tag_ids.forEach((tagId, i) => {
    // Tags must exist already: this route never creates them (§2.3 chosen 422).
    if (!known.get(tagId, ctx.auth.orgId))
      throw fail.unprocessable(['body', 'tag_ids', i], `Unknown tag id: ${tagId}`);
  });
  const id = checkReplyId(ctx.req.params.reply_id);
  const thread = findThread(ctx.db, ctx.auth.orgId, id, q.channel);
  const insert = ctx.db.prepare('INSERT OR IGNORE INTO inbox_thread_tags (thread_id, tag_id) VALUES (?, ?)');
  for (const tagId of body.tag_ids) insert.run(thread.id, tagId);
  ctx.db.prepare('UPDATE inbox_threads SET updated_at = ? WHERE id = ?').run(iso(ctx.now()), thread.id);
  const count = ctx.db
    .prepare('SELECT COUNT(*) AS n FROM inbox_thread_tags WHERE thread_id = ?')
    .get(thread.id) as {
    n: number;
  };
  return ok({ tagged: true, tag_count: count.n });
}

const sendBody = z.object({
  body: z.string().min(1).max(100_000),
  // A string, not an enum: an unsupported channel is the contract's 400, not a 422.
  channel: z.string().min(1),
  subject: z.string().max(998).optional(),
  to: z.string().trim().min(1).optional(),
  from_address: z.string().trim().min(1).optional(),
});
type SendBody = z.infer<typeof sendBody>;

const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = z.email();

/** The per-channel rules of §2.3 (all 400s), returning the validated channel. */
function checkSendRules(ctx: Ctx, body: SendBody): Channel {
  const channel = CHANNELS.find((c) => c === body.channel.toLowerCase());
  if (!channel) throw fail.badRequest(`Unsupported channel: ${body.channel} (use email, sms or linkedin)`);
  if (channel !== 'linkedin' && body.to === undefined)
    throw fail.badRequest(`to is required for ${channel} replies`);
  if (body.from_address === undefined)
    throw fail.badRequest(`from_address is required for ${channel} replies`);
  if (channel === 'email') {
    if (!EMAIL.safeParse(body.to).success) throw fail.badRequest('to must be an email address');
    const mailbox = findMailboxByEmail(ctx.db, ctx.auth.orgId, body.from_address);
    if (!mailbox || !isMailboxActive(mailbox)) {
      throw fail.badRequest('from_address must be a connected, non-archived mailbox of this organization');
    }
  }
  if (channel === 'sms') {
    if (!E164.test(body.to ?? ''))
      throw fail.badRequest('to must be an E.164 phone number, e.g. +14155550123');
    if (!E164.test(body.from_address)) throw fail.badRequest('from_address must be the E.164 sending number');
  }
  if (channel === 'linkedin' && !/^\d+$/.test(body.from_address)) {
    throw fail.badRequest('from_address must be the numeric LinkedIn account id');
  }
  return channel;
}

function send(ctx: Ctx) {
  const body = parse(sendBody, ctx.req.body, 'body');
  const channel = checkSendRules(ctx, body);
  const id = checkReplyId(ctx.req.params.reply_id);
  const thread = findThread(ctx.db, ctx.auth.orgId, id, channel);
  const now = iso(ctx.now());
  const messageId = newId('msg');
  const to = body.to ?? thread.contact_handle ?? thread.contact_email ?? '';
  ctx.db
    .prepare(
      `INSERT INTO inbox_messages (id, thread_id, from_address, to_addresses, content, responder, date, is_draft)
       VALUES (?, ?, ?, ?, ?, 'USER', ?, 0)`,
    )
    .run(messageId, thread.id, body.from_address, JSON.stringify([to]), body.body, now);
  ctx.db
    .prepare("UPDATE inbox_threads SET status = 'responded', updated_at = ? WHERE id = ?")
    .run(now, thread.id);
  ctx.outbox.record('inbox.send_reply', `Send ${channel} reply to ${to} on thread ${thread.id}`, {
    reply_id: thread.id,
    channel,
    message_id: messageId,
    from_address: body.from_address,
    to,
    subject: body.subject ?? thread.subject,
    body: body.body,
  });
  return ok({ message_id: messageId, status: 'sent', channel });
}

export const actRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/inbox/:reply_id/assign',
    scope: 'inbox:run',
    summary: 'Assign a thread to a teammate',
    handler: assign,
  },
  {
    method: 'POST',
    path: '/inbox/:reply_id/tag',
    scope: 'inbox:run',
    summary: 'Tag a thread with existing tags',
    handler: tag,
  },
  {
    method: 'POST',
    path: '/inbox/:reply_id/send',
    scope: 'inbox:run',
    summary: 'Send a reply on a thread',
    handler: send,
  },
];
