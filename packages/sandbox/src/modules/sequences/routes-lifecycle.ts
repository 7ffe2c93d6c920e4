/**
 * State-changing routes of a sequence: metadata PATCH, pause, resume, archive and LinkedIn removal.
 * Each follows the kernel's order: 422 parse → 400 semantics → 404 → 409 state → effect.
 */
import { z } from 'zod';
import { type Ctx, fail, ok, parse, type Route } from '../../module.js';
import { readJson } from '../../util/json.js';
import { qBool } from '../../util/query.js';
import { iso } from '../../util/time.js';
import { addEvent, assertEditable, findSequence, type SequenceRow, TRANSITIONAL } from './schema.js';
import { LINKEDIN_STEPS } from './vocabulary.js';

const patchBody = z.object({
  name: z.string().trim().min(1).max(255).optional(),
  description: z.string().max(5000).nullable().optional(),
  is_shared: z.boolean().optional(),
  finish_on_reply: z.boolean().optional(),
  send_in_same_thread: z.boolean().optional(),
  wait_for_new_contacts: z.boolean().optional(),
  // Accepted upstream though not exposed by the tool; kept in settings so a later read can show them.
  schedule_id: z.uuid().optional(),
  appointment_id: z.number().int().min(1).optional(),
  textual_agent_name: z.string().min(1).max(255).optional(),
  voice_agent_name: z.string().min(1).max(255).optional(),
  sequence_kind: z.unknown().optional(),
  pinned_mailbox_id: z.unknown().optional(),
});

const COLUMNS = [
  'name',
  'description',
  'is_shared',
  'finish_on_reply',
  'send_in_same_thread',
  'wait_for_new_contacts',
] as const;
const SETTINGS = ['schedule_id', 'appointment_id', 'textual_agent_name', 'voice_agent_name'] as const;

const seqId = (ctx: Ctx) => ctx.req.params.sequence_id ?? '';

function patchSequence(ctx: Ctx) {
  const body = parse(patchBody, ctx.req.body, 'body');
  if (body.sequence_kind !== undefined || body.pinned_mailbox_id !== undefined) {
    throw fail.badRequest('sequence_kind and pinned_mailbox_id cannot be changed after creation');
  }
  const columns = COLUMNS.filter((k) => body[k] !== undefined);
  const settings = SETTINGS.filter((k) => body[k] !== undefined);
  if (columns.length === 0 && settings.length === 0) throw fail.badRequest('No fields to update');
  const seq = findSequence(ctx.db, ctx.auth.orgId, seqId(ctx));
  assertEditable(seq);
  const now = iso(ctx.now());
  const values = columns.map((k) => {
    const v = body[k];
    return typeof v === 'boolean' ? (v ? 1 : 0) : (v ?? null);
  });
  const merged = { ...readJson<Record<string, unknown>>(seq.settings, {}) };
  for (const k of settings) merged[k] = body[k];
  ctx.db
    .prepare(
      `UPDATE seq_sequences SET ${columns.map((c) => `${c} = ?, `).join('')}settings = ?, updated_at = ? WHERE id = ?`,
    )
    .run(...values, JSON.stringify(merged), now, seq.id);
  addEvent(ctx.db, seq.id, now, 'updated', [...columns, ...settings].join(', '));
  return ok({ sequence_id: seq.id, status: seq.status, updated: true });
}

function setStatus(ctx: Ctx, seq: SequenceRow, status: string, event: string): void {
  const now = iso(ctx.now());
  ctx.db.prepare('UPDATE seq_sequences SET status = ?, updated_at = ? WHERE id = ?').run(status, now, seq.id);
  addEvent(ctx.db, seq.id, now, event);
}

function transition(from: string, to: string, verb: string, event: string) {
  return (ctx: Ctx) => {
    const seq = findSequence(ctx.db, ctx.auth.orgId, seqId(ctx));
    if (seq.is_archived === 1) throw fail.conflict('Sequence is archived');
    if (seq.status !== from) {
      throw fail.conflict(`Sequence is ${seq.status}; only a ${from} sequence can be ${verb}`);
    }
    setStatus(ctx, seq, to, event);
    return ok({ sequence_id: seq.id, status: to, contacts_affected: seq.contacts_active });
  };
}

function archive(ctx: Ctx) {
  const seq = findSequence(ctx.db, ctx.auth.orgId, seqId(ctx));
  if (seq.is_archived === 1) throw fail.badRequest('Sequence is already archived');
  if (TRANSITIONAL.has(seq.status)) throw fail.conflict(`Sequence is ${seq.status}; retry once it settles`);
  if (seq.status === 'live') throw fail.conflict('Sequence is live; pause it before archiving');
  const now = iso(ctx.now());
  ctx.db.prepare('UPDATE seq_sequences SET is_archived = 1, updated_at = ? WHERE id = ?').run(now, seq.id);
  addEvent(ctx.db, seq.id, now, 'archived');
  return ok({ sequence_id: seq.id, is_archived: true });
}

const removeQuery = z.object({
  force: qBool(z.boolean().default(false)),
  dry_run: qBool(z.boolean().default(false)),
});

/** Statuses in which contacts are (or are about to be) mid-flight on LinkedIn steps. */
const RUNNING = new Set(['live', 'waiting']);

function removeLinkedin(ctx: Ctx) {
  const query = parse(removeQuery, ctx.req.query, 'query');
  const seq = findSequence(ctx.db, ctx.auth.orgId, seqId(ctx));
  assertEditable(seq);
  const steps = ctx.db.prepare('SELECT id, step_type FROM seq_steps WHERE sequence_id = ?').all(seq.id) as {
    id: string;
    step_type: string;
  }[];
  const linkedinSteps = steps.filter((s) => LINKEDIN_STEPS.has(s.step_type));
  const channels = ctx.db
    .prepare("SELECT id FROM seq_channels WHERE sequence_id = ? AND channel_type = 'LINKEDIN'")
    .all(seq.id) as { id: string }[];
  const removing = linkedinSteps.length + channels.length > 0;
  const running = RUNNING.has(seq.status);
  if (removing && running && !query.force) {
    throw fail.conflict(
      `Sequence is ${seq.status}; removing LinkedIn needs force=true and pauses the sequence`,
    );
  }
  const paused = removing && running;
  if (!query.dry_run && removing) {
    const now = iso(ctx.now());
    const drop = ctx.db.prepare('DELETE FROM seq_steps WHERE id = ?');
    for (const s of linkedinSteps) drop.run(s.id);
    ctx.db
      .prepare("DELETE FROM seq_channels WHERE sequence_id = ? AND channel_type = 'LINKEDIN'")
      .run(seq.id);
    // Keep step_order contiguous (1..n): the sender walks steps by order.
    const remaining = ctx.db
      .prepare('SELECT id FROM seq_steps WHERE sequence_id = ? ORDER BY step_order')
      .all(seq.id) as {
      id: string;
    }[];
    const renumber = ctx.db.prepare('UPDATE seq_steps SET step_order = ? WHERE id = ?');
    remaining.forEach((s, i) => {
      renumber.run(i + 1, s.id);
    });
    ctx.db.prepare('UPDATE seq_sequences SET updated_at = ? WHERE id = ?').run(now, seq.id);
    addEvent(
      ctx.db,
      seq.id,
      now,
      'linkedin_removed',
      `${linkedinSteps.length} steps, ${channels.length} channels`,
    );
    if (paused) setStatus(ctx, seq, 'paused', 'paused');
  }
  return ok({
    steps_removed: linkedinSteps.length,
    channels_removed: channels.length,
    paused,
    dry_run: query.dry_run,
  });
}

export const lifecycleRoutes: readonly Route[] = [
  {
    method: 'PATCH',
    path: '/sequences/:sequence_id',
    scope: 'sequences:run',
    summary: 'Update sequence settings',
    handler: patchSequence,
  },
  {
    method: 'POST',
    path: '/sequences/:sequence_id/pause',
    scope: 'sequences:run',
    summary: 'Pause a live sequence',
    handler: transition('live', 'paused', 'paused', 'paused'),
  },
  {
    method: 'POST',
    path: '/sequences/:sequence_id/resume',
    scope: 'sequences:run',
    summary: 'Resume a paused sequence',
    handler: transition('paused', 'live', 'resumed', 'resumed'),
  },
  {
    method: 'DELETE',
    path: '/sequences/:sequence_id',
    scope: 'sequences:delete',
    summary: 'Archive a sequence',
    handler: archive,
  },
  {
    method: 'DELETE',
    path: '/sequences/:sequence_id/channels/linkedin',
    scope: 'sequences:delete',
    summary: 'Remove LinkedIn steps and channels',
    handler: removeLinkedin,
  },
];
