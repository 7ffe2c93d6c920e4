/** GET /inbox, GET /inbox/:reply_id and the (billable) GET /inbox/:reply_id/draft. */
import { z } from 'zod';
import { type Ctx, HttpError, ok, okList, parse, type Route } from '../../module.js';
import { orgMembers } from '../../util/org.js';
import { decodeCursor, pagination } from '../../util/pagination.js';
import { qBool, qInt, qList, qStr } from '../../util/query.js';
import { draftReply } from './draft.js';
import {
  CHANNELS,
  checkReplyId,
  findThread,
  messagesOf,
  storeOf,
  type ThreadRow,
  threadView,
} from './schema.js';

const listQuery = z.object({
  channel: qStr(z.enum(CHANNELS).optional()),
  sequence_id: qStr(z.string().optional()),
  status: qStr(z.enum(['open', 'responded', 'ai_responded']).optional()),
  assignee: qStr(z.string().optional()),
  tag: qStr(z.string().optional()),
  exclude_tag_ids: qList(),
  page: qInt(z.number().int().min(1).default(1)),
  // Clamped, not rejected (§1.4 chosen): the tool advertises 200, the docs allow 100.
  page_size: qInt(z.number().int().default(50)),
  cursor: qStr(z.string().optional()),
});

function list(ctx: Ctx) {
  const q = parse(listQuery, ctx.req.query, 'query');
  const limit = Math.min(100, Math.max(1, q.page_size));
  let offset = (q.page - 1) * limit;
  if (q.cursor !== undefined) {
    const decoded = decodeCursor(q.cursor);
    if (decoded === null)
      throw new HttpError(400, { type: 'bad_request', code: '400', detail: 'Invalid cursor' });
    offset = decoded;
  }
  const where = ['t.org_id = ?'];
  const args: unknown[] = [ctx.auth.orgId];
  if (q.channel) {
    where.push('t.store = ?');
    args.push(storeOf(q.channel));
  }
  if (q.sequence_id) {
    where.push('t.sequence_id = ?');
    args.push(q.sequence_id);
  }
  if (q.status) {
    where.push('t.status = ?');
    args.push(q.status);
  }
  if (q.assignee) {
    where.push(
      'EXISTS (SELECT 1 FROM inbox_assignees a WHERE a.thread_id = t.id AND lower(a.email) = lower(?))',
    );
    args.push(q.assignee);
  }
  if (q.tag) {
    where.push('EXISTS (SELECT 1 FROM inbox_thread_tags x WHERE x.thread_id = t.id AND x.tag_id = ?)');
    args.push(q.tag);
  }
  if (q.exclude_tag_ids && q.exclude_tag_ids.length > 0) {
    where.push(
      `NOT EXISTS (SELECT 1 FROM inbox_thread_tags x WHERE x.thread_id = t.id
        AND x.tag_id IN (${q.exclude_tag_ids.map(() => '?').join(',')}))`,
    );
    args.push(...q.exclude_tag_ids);
  }
  const clause = where.join(' AND ');
  const total = (
    ctx.db.prepare(`SELECT COUNT(*) AS n FROM inbox_threads t WHERE ${clause}`).get(...args) as { n: number }
  ).n;
  const rows = ctx.db
    .prepare(
      `SELECT t.* FROM inbox_threads t WHERE ${clause} ORDER BY t.updated_at DESC, t.id LIMIT ? OFFSET ?`,
    )
    .all(...args, limit, offset) as ThreadRow[];
  const page = { page: Math.floor(offset / limit) + 1, limit, offset };
  return okList(
    rows.map((t) => threadView(ctx.db, t, 'none')),
    pagination(page, total),
  );
}

const channelQuery = z.object({ channel: qStr(z.enum(CHANNELS).default('email')) });
const getQuery = channelQuery.extend({ full_messages: qBool(z.boolean().default(false)) });

function getReply(ctx: Ctx) {
  const q = parse(getQuery, ctx.req.query, 'query');
  const id = checkReplyId(ctx.req.params.reply_id);
  const thread = findThread(ctx.db, ctx.auth.orgId, id, q.channel);
  return ok(threadView(ctx.db, thread, q.full_messages ? 'full' : 'capped'));
}

/** AI drafts cost credits (1 in the docs' example); the draft is returned, never stored or sent. */
const DRAFT_CREDITS = 1;

function getDraft(ctx: Ctx) {
  const q = parse(channelQuery, ctx.req.query, 'query');
  const id = checkReplyId(ctx.req.params.reply_id);
  const thread = findThread(ctx.db, ctx.auth.orgId, id, q.channel);
  ctx.credits.debit(DRAFT_CREDITS, `AI reply draft for ${thread.id}`);
  const members = orgMembers(ctx.db, ctx.auth.orgId);
  const author = ctx.auth.userEmail
    ? (members.find((m) => m.email.toLowerCase() === ctx.auth.userEmail?.toLowerCase()) ?? members[0])
    : members[0];
  const draft = draftReply(thread, messagesOf(ctx.db, thread.id), author?.name ?? 'The team');
  return ok({ ...draft, credits_charged: DRAFT_CREDITS });
}

export const readRoutes: readonly Route[] = [
  { method: 'GET', path: '/inbox', scope: 'inbox:read', summary: 'List inbox threads', handler: list },
  {
    method: 'GET',
    path: '/inbox/:reply_id',
    scope: 'inbox:read',
    summary: 'Read one thread with messages',
    handler: getReply,
  },
  {
    method: 'GET',
    path: '/inbox/:reply_id/draft',
    scope: 'inbox:read',
    summary: 'Generate an AI reply draft (charges credits)',
    handler: getDraft,
  },
];
