/** POST /enrichment/ai/enrich: synchronous AI research, about 3 credits per processed contact (§1.10). */
import { z } from 'zod';
import { ok, parse, type Route } from '../../module.js';
import { readJson } from '../../util/json.js';
import { stableHash } from '../../util/rng.js';
import { iso } from '../../util/time.js';
import { insertJob } from './jobs.js';
import { requireList, requireMembers } from './list-check.js';

export const AI_CREDITS_PER_CONTACT = 3;

const AiEnrich = z.object({
  group_id: z.string().min(1).max(200),
  list_id: z.number().int().positive(),
  record_ids: z.array(z.number().int().positive()).min(1).max(1000),
  max_records: z.number().int().min(1).optional(),
  skip_existing_values: z.boolean().optional(),
});

export const aiEnrich: Route = {
  method: 'POST',
  path: '/enrichment/ai/enrich',
  scope: 'enrichment:run',
  summary: 'Run AI research enrichment synchronously (~3 credits per contact)',
  handler(ctx) {
    const input = parse(AiEnrich, ctx.req.body, 'body');
    requireList(ctx, input.list_id);
    const recordIds = [...new Set(input.record_ids)].slice(0, input.max_records ?? Number.MAX_SAFE_INTEGER);
    requireMembers(ctx, input.list_id, recordIds);

    const load = ctx.db.prepare<[number, string], { id: number; meta_data: string }>(
      'SELECT id, meta_data FROM contacts WHERE id = ? AND org_id = ?',
    );
    const save = ctx.db.prepare('UPDATE contacts SET meta_data = ?, updated_at = ? WHERE id = ?');
    let processed = 0;
    let successful = 0;
    for (const id of recordIds) {
      const row = load.get(id, ctx.auth.orgId);
      if (!row) continue;
      const meta = readJson<Record<string, unknown>>(row.meta_data, {});
      if (input.skip_existing_values && meta.ai_research !== undefined) continue;
      processed++;
      // Deterministic: most research succeeds, some finds nothing worth writing.
      if (stableHash(`${id}:${input.group_id}`) % 100 < 85) {
        successful++;
        meta.ai_research = {
          group_id: input.group_id,
          enriched_at: iso(ctx.now()),
          summary: 'Researched by AI',
        };
        save.run(JSON.stringify(meta), iso(ctx.now()), id);
      }
    }
    const credits = processed * AI_CREDITS_PER_CONTACT;
    ctx.credits.debit(credits, `ai-enrich:${input.group_id}`);
    const results = [
      {
        processed_records: processed,
        successful_enrichments: successful,
        failed_enrichments: processed - successful,
      },
    ];
    const jobId = insertJob(ctx, {
      kind: 'ai',
      columnId: null,
      listId: input.list_id,
      recordIds,
      results,
      successful,
      failed: processed - successful,
      credits,
      warnings: null,
      providerErrors: [],
    });
    return ok({
      job_id: jobId,
      status: 'completed',
      total: recordIds.length,
      completed: recordIds.length,
      results,
    });
  },
};
