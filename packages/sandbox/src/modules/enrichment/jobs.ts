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
  cancelled_at_ms: number | null;
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

type Phase = 'queued' | 'running' | 'completed' | 'cancelled';

function phaseOf(row: JobRow, nowMs: number): Phase {
  if (row.kind === 'ai') return 'completed'; // AI research answers synchronously
  if (row.cancelled_at_ms !== null) return 'cancelled';
  const age = nowMs - row.created_at_ms;
  return age < QUEUED_MS ? 'queued' : age < DONE_MS ? 'running' : 'completed';
}

function findJob(ctx: Ctx): JobRow {
  const row = ctx.db
    .prepare<[string, string], JobRow>('SELECT * FROM enrichment_jobs WHERE id = ? AND org_id = ?')
    .get(ctx.req.params.job_id ?? '', ctx.auth.orgId);
  if (!row) throw fail.notFound('Job not found');
  return row;
}

export const getJob: Route = {
  method: 'GET',
  path: '/enrichment/jobs/:job_id',
  scope: 'enrichment:read',
  summary: 'Poll an enrichment job',
  handler(ctx) {
    return ok(jobView(findJob(ctx), ctx.now(), queryBool(ctx.req.query, 'include_provider_errors')));
  },
};

/**
 * Sandbox addition: graph8 has no route to cancel a waterfall job. A queued or running job stops
 * where it is (its charge, made at enqueue, stays: the sandbox decides outcomes up front).
 */
export const cancelJob: Route = {
  method: 'POST',
  path: '/enrichment/jobs/:job_id/cancel',
  scope: 'enrichment:run',
  summary: 'Cancel a queued or running enrichment job (sandbox addition)',
  handler(ctx) {
    const row = findJob(ctx);
    const now = ctx.now();
    const phase = phaseOf(row, now);
    if (phase !== 'queued' && phase !== 'running') throw fail.conflict(`Job ${row.id} is already ${phase}`);
    ctx.db.prepare('UPDATE enrichment_jobs SET cancelled_at_ms = ? WHERE id = ?').run(now, row.id);
    return ok(jobView({ ...row, cancelled_at_ms: now }, now, false));
  },
};

function jobView(row: JobRow, nowMs: number, includeErrors: boolean) {
  const total = readJson<number[]>(row.record_ids, []).length;
  const phase = phaseOf(row, nowMs);
  const done = phase === 'completed';
  // A cancelled job shows where it stood when it was cancelled.
  const age = (row.cancelled_at_ms ?? nowMs) - row.created_at_ms;
  const progress = done
    ? total
    : age < QUEUED_MS
      ? null
      : Math.min(total, Math.floor((total * (age - QUEUED_MS)) / (DONE_MS - QUEUED_MS)));
  return {
    job_id: row.id,
    status: phase,
    total: progress === null ? null : total,
    completed: progress,
    results: done ? readJson<unknown>(row.results, []) : null,
    // The three counters stay null until the job is terminal (§2.8).
    successful_enrichments: done ? row.successful : null,
    failed_enrichments: done ? row.failed : null,
    total_credits_used: done ? row.credits : null,
    warnings: readJson<string[] | null>(row.warnings, null),
    provider_errors: includeErrors && done ? readJson<ProviderError[]>(row.provider_errors, []) : null,
  };
}
