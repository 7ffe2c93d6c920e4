/**
 * Enrichment jobs. Outcomes are decided, written and billed when the job is created (so a short
 * balance is a 402 on the enqueue call, never a silently failed job), then revealed over time:
 * status is derived from the age of the job — queued for the first second, running until 3 s,
 * then completed — so a poller sees the real lifecycle without a background worker.
 */
import { type Ctx, fail, ok, type Route } from '../../module.js';
import { newUuid } from '../../util/ids.js';
import { readJson } from '../../util/json.js';
import { queryBool } from '../../util/query.js';

export const QUEUED_MS = 1000;
export const DONE_MS = 3000;

export interface RecordResult {
  record_id: number;
  status: 'enriched' | 'not_found' | 'skipped';
  field: string;
  provider: string | null;
  value: string | null;
  credits: number;
}

export interface ProviderError {
  record_id: number;
  provider: string;
  error: string;
}

export interface NewJob {
  kind: 'waterfall' | 'ai';
  columnId: number | null;
  listId: number;
  recordIds: readonly number[];
  results: unknown;
  successful: number;
  failed: number;
  credits: number;
  warnings: string[] | null;
  providerErrors: ProviderError[];
}

interface JobRow {
  id: string;
  kind: string;
  record_ids: string;
  results: string;
  successful: number;
  failed: number;
  credits: number;
  warnings: string | null;
  provider_errors: string;
  created_at_ms: number;
}

export function insertJob(ctx: Ctx, job: NewJob): string {
  const id = newUuid();
  ctx.db
    .prepare(
      `INSERT INTO enrichment_jobs (id, org_id, kind, column_id, list_id, record_ids, results, successful, failed,
         credits, warnings, provider_errors, created_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      ctx.auth.orgId,
      job.kind,
      job.columnId,
      job.listId,
      JSON.stringify(job.recordIds),
      JSON.stringify(job.results),
      job.successful,
      job.failed,
      job.credits,
      job.warnings === null ? null : JSON.stringify(job.warnings),
      JSON.stringify(job.providerErrors),
      ctx.now(),
    );
  return id;
}

type Phase = 'queued' | 'running' | 'completed';

function phaseOf(row: JobRow, nowMs: number): Phase {
  if (row.kind === 'ai') return 'completed'; // AI research answers synchronously
  const age = nowMs - row.created_at_ms;
  return age < QUEUED_MS ? 'queued' : age < DONE_MS ? 'running' : 'completed';
}

export const getJob: Route = {
  method: 'GET',
  path: '/enrichment/jobs/:job_id',
  scope: 'enrichment:read',
  summary: 'Poll an enrichment job',
  handler(ctx) {
    const includeErrors = queryBool(ctx.req.query, 'include_provider_errors');
    const row = ctx.db
      .prepare<[string, string], JobRow>('SELECT * FROM enrichment_jobs WHERE id = ? AND org_id = ?')
      .get(ctx.req.params.job_id ?? '', ctx.auth.orgId);
    if (!row) throw fail.notFound('Job not found');
    const total = readJson<number[]>(row.record_ids, []).length;
    const phase = phaseOf(row, ctx.now());
    const done = phase === 'completed';
    const progress =
      phase === 'queued'
        ? null
        : done
          ? total
          : Math.floor((total * (ctx.now() - row.created_at_ms - QUEUED_MS)) / (DONE_MS - QUEUED_MS));
    return ok({
      job_id: row.id,
      status: phase,
      total: phase === 'queued' ? null : total,
      completed: progress,
      results: done ? readJson<unknown>(row.results, []) : null,
      // The three counters stay null until the job is terminal (§2.8).
      successful_enrichments: done ? row.successful : null,
      failed_enrichments: done ? row.failed : null,
      total_credits_used: done ? row.credits : null,
      warnings: readJson<string[] | null>(row.warnings, null),
      provider_errors: includeErrors && done ? readJson<ProviderError[]>(row.provider_errors, []) : null,
    });
  },
};
