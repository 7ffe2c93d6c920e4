/**
 * PATCH /campaigns/:campaign_id/full — audience, documents, sequence steps and linked sequences in
 * one transaction. Checks run in the contract's order and all of them before the first write.
 */
import { z } from 'zod';
import { type Ctx, fail } from '../../module.js';
import { newId, newUuid } from '../../util/ids.js';
import { findList } from '../../util/org.js';
import { looseInt } from '../../util/query.js';
import { iso } from '../../util/time.js';
import { optionalPlainFields, type PlainKey } from './fields.js';
import { type CampaignRow, catalogStep } from './schema.js';

const documentPatch = z
  .object({
    id: z.string().trim().min(1).optional(),
    file_type: z.string().trim().min(1).max(100).optional(),
    display_name: z.string().trim().min(1).max(255).optional(),
    folder_path: z.string().max(500).optional(),
    status: z.enum(['draft', 'completed']).optional(),
    content: z.string().max(500_000).optional(),
    structured_data: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((d, ctx) => {
    if (d.id !== undefined) return;
    // No id means "create": the new document needs a type and a name.
    if (d.file_type === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['file_type'],
        message: 'file_type is required to create a document',
      });
    if (d.display_name === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['display_name'],
        message: 'display_name is required to create a document',
      });
    }
  });

export const deepPatchBody = z.object({
  ...optionalPlainFields,
  audience_list_id: looseInt().optional(),
  detach_audience: z.boolean().default(false),
  documents: z.array(documentPatch).max(50).optional(),
  sequence_steps: z
    .array(
      z.object({
        step_id: z.string().trim().min(1),
        day: z.number().int().min(0).max(365),
        condition: z.string().max(200).optional(),
        stop_on_reply: z.boolean().optional(),
      }),
    )
    .max(30)
    .optional(),
  linked_sequence_ids: z.array(z.string().trim().min(1)).max(50).optional(),
  unlink_sequence_ids: z.array(z.string().trim().min(1)).max(50).optional(),
});
export type DeepPatch = z.infer<typeof deepPatchBody>;

export function deepFields(b: DeepPatch): string[] {
  const present: string[] = [];
  if (b.audience_list_id !== undefined) present.push('audience_list_id');
  if (b.detach_audience) present.push('detach_audience');
  for (const k of ['documents', 'sequence_steps', 'linked_sequence_ids', 'unlink_sequence_ids'] as const) {
    if (b[k] !== undefined) present.push(k);
  }
  return present;
}

/** The 400s that need no stored state (run before the campaign lookup). */
export function checkDeepPatch(b: DeepPatch): void {
  if (b.audience_list_id !== undefined && b.detach_audience) {
    throw fail.badRequest(
      'audience_list_id and detach_audience=true contradict each other: send one of them',
    );
  }
  b.sequence_steps?.forEach((s, i) => {
    if (!catalogStep(s.step_id)) {
      throw fail.badRequest(
        `sequence_steps[${i}].step_id "${s.step_id}" is not in the step catalog (see step_catalog in the full campaign)`,
      );
    }
  });
}

function checkReferences(ctx: Ctx, c: CampaignRow, b: DeepPatch): void {
  if (b.audience_list_id !== undefined && !findList(ctx.db, c.org_id, Number(b.audience_list_id))) {
    throw fail.notFound('Audience list not found');
  }
  const doc = ctx.db.prepare('SELECT 1 FROM camp_documents WHERE id = ? AND campaign_id = ?');
  for (const d of b.documents ?? []) {
    if (d.id !== undefined && !doc.get(d.id, c.id)) throw fail.notFound(`Document not found: ${d.id}`);
  }
  const seq = ctx.db.prepare('SELECT 1 FROM seq_sequences WHERE id = ? AND org_id = ? AND is_archived = 0');
  for (const id of [...(b.linked_sequence_ids ?? []), ...(b.unlink_sequence_ids ?? [])]) {
    if (!seq.get(id, c.org_id)) throw fail.notFound(`Sequence not found: ${id}`);
  }
  if (b.documents !== undefined && c.status === 'copy_in_progress') {
    throw fail.conflict('Copy is still being generated for this campaign; edit documents once it is ready');
  }
}

function writeDocuments(
  ctx: Ctx,
  c: CampaignRow,
  docs: NonNullable<DeepPatch['documents']>,
  now: string,
): void {
  const next = ctx.db.prepare(
    'SELECT COALESCE(MAX(position), 0) + 1 AS p FROM camp_documents WHERE campaign_id = ?',
  );
  for (const d of docs) {
    if (d.id === undefined) {
      const { p } = next.get(c.id) as { p: number };
      ctx.db
        .prepare(
          `INSERT INTO camp_documents (id, campaign_id, name, type, folder_path, status, version, content, structured_data,
            position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
        )
        .run(
          newUuid(),
          c.id,
          d.display_name,
          d.file_type,
          d.folder_path ?? null,
          d.status ?? 'draft',
          d.content ?? '',
          JSON.stringify(d.structured_data ?? {}),
          p,
          now,
          now,
        );
      continue;
    }
    const sets: string[] = [];
    const values: unknown[] = [];
    const put = (column: string, value: unknown) => {
      if (value === undefined) return;
      sets.push(`${column} = ?`);
      values.push(value);
    };
    put('name', d.display_name);
    put('type', d.file_type);
    put('folder_path', d.folder_path);
    put('status', d.status);
    put('content', d.content);
    put('structured_data', d.structured_data === undefined ? undefined : JSON.stringify(d.structured_data));
    if (sets.length === 0) continue;
    ctx.db
      .prepare(
        `UPDATE camp_documents SET ${sets.join(', ')}, version = version + 1, updated_at = ? WHERE id = ?`,
      )
      .run(...values, now, d.id);
  }
}

export function applyDeepPatch(ctx: Ctx, c: CampaignRow, b: DeepPatch, plain: readonly PlainKey[]): void {
  checkReferences(ctx, c, b);
  const now = iso(ctx.now());
  if (plain.length > 0) {
    ctx.db
      .prepare(`UPDATE camp_campaigns SET ${plain.map((k) => `${k} = ?`).join(', ')} WHERE id = ?`)
      .run(...plain.map((k) => b[k] ?? null), c.id);
  }
  if (b.audience_list_id !== undefined) {
    ctx.db
      .prepare('UPDATE camp_campaigns SET audience_list_id = ? WHERE id = ?')
      .run(Number(b.audience_list_id), c.id);
  }
  if (b.detach_audience)
    ctx.db.prepare('UPDATE camp_campaigns SET audience_list_id = NULL WHERE id = ?').run(c.id);
  if (b.documents) writeDocuments(ctx, c, b.documents, now);
  if (b.sequence_steps) {
    // Full replacement of the ordering; [] clears the sequence.
    ctx.db.prepare('DELETE FROM camp_steps WHERE campaign_id = ?').run(c.id);
    const insert = ctx.db.prepare(
      'INSERT INTO camp_steps (campaign_id, position, step_id, day, condition, stop_on_reply) VALUES (?, ?, ?, ?, ?, ?)',
    );
    b.sequence_steps.forEach((s, i) => {
      insert.run(c.id, i + 1, s.step_id, s.day, s.condition ?? null, s.stop_on_reply === false ? 0 : 1);
    });
  }
  const link = ctx.db.prepare(
    'INSERT OR IGNORE INTO camp_linked_sequences (id, campaign_id, sequence_id, linked_at) VALUES (?, ?, ?, ?)',
  );
  for (const id of b.linked_sequence_ids ?? []) link.run(newId('lnk'), c.id, id, now);
  const unlink = ctx.db.prepare(
    'DELETE FROM camp_linked_sequences WHERE campaign_id = ? AND sequence_id = ?',
  );
  for (const id of b.unlink_sequence_ids ?? []) unlink.run(c.id, id);
  ctx.db.prepare('UPDATE camp_campaigns SET updated_at = ? WHERE id = ?').run(now, c.id);
}
