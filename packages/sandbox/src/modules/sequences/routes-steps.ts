/** PATCH /sequences/:sequence_id/steps/:step_id — edit one step's copy, delay or type. */
import { z } from 'zod';
import { type Ctx, fail, ok, parse, type Route } from '../../module.js';
import { readJson } from '../../util/json.js';
import { iso } from '../../util/time.js';
import { addEvent, assertEditable, findSequence, type StepRow } from './schema.js';
import { hasSpintax } from './spintax.js';
import { inputTypeSchema, stepDataProblem, stepTypeSchema } from './vocabulary.js';

const stepBody = z.object({
  step_data: z.record(z.string(), z.unknown()).optional(),
  time_interval: z.number().int().min(0).optional(),
  step_type: stepTypeSchema.optional(),
  input_type: inputTypeSchema.optional(),
});

function patchStep(ctx: Ctx) {
  const body = parse(stepBody, ctx.req.body, 'body');
  if (Object.values(body).every((v) => v === undefined)) throw fail.badRequest('No fields to update');
  const seq = findSequence(ctx.db, ctx.auth.orgId, ctx.req.params.sequence_id ?? '');
  const step = ctx.db
    .prepare('SELECT * FROM seq_steps WHERE id = ? AND sequence_id = ?')
    .get(ctx.req.params.step_id ?? '', seq.id) as StepRow | undefined;
  if (!step) throw fail.notFound('Step not found');
  assertEditable(seq);

  // step_data replaces the stored object wholesale (the tool description says so).
  const next = {
    step_type: body.step_type ?? step.step_type,
    input_type: body.input_type ?? step.input_type,
    time_interval: body.time_interval ?? step.time_interval,
    step_data: body.step_data ?? readJson<Record<string, unknown>>(step.step_data, {}),
  };
  const copy = `${String(next.step_data.subject ?? '')}\n${String(next.step_data.body ?? '')}`;
  if (next.step_type === 'EMAIL' && next.input_type === 'ON_DEMAND' && hasSpintax(copy)) {
    throw fail.unprocessable(
      ['body', 'step_data'],
      'Spintax is not allowed on an ON_DEMAND email step: switch input_type to MANUAL_TEMPLATE or remove the {a|b} groups',
    );
  }
  const problem = stepDataProblem(next.step_type, next.step_data);
  if (problem) throw fail.badRequest(problem);

  const now = iso(ctx.now());
  ctx.db
    .prepare(
      'UPDATE seq_steps SET step_type = ?, input_type = ?, time_interval = ?, step_data = ? WHERE id = ?',
    )
    .run(next.step_type, next.input_type, next.time_interval, JSON.stringify(next.step_data), step.id);
  ctx.db.prepare('UPDATE seq_sequences SET updated_at = ? WHERE id = ?').run(now, seq.id);
  addEvent(ctx.db, seq.id, now, 'step_updated', `step ${step.step_order}`);
  // Contacts already enrolled pick up the new copy on their next send of this step.
  const affected = seq.status === 'live' || seq.status === 'paused' ? seq.contacts_active : 0;
  return ok({ sequence_id: seq.id, status: seq.status, contacts_affected: affected });
}

export const stepRoutes: readonly Route[] = [
  {
    method: 'PATCH',
    path: '/sequences/:sequence_id/steps/:step_id',
    scope: 'sequences:run',
    summary: 'Update one sequence step',
    handler: patchStep,
  },
];
