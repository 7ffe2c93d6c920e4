/** Audience-sync routes (§2.4): CRUD on sync configs, manual trigger, run history and errors. */
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { type Ctx, fail, ok, parse, type Route } from '../../module.js';
import { newId } from '../../util/ids.js';
import { findList } from '../../util/org.js';
import { pathInt, qInt } from '../../util/query.js';
import { iso } from '../../util/time.js';
import {
  DONE_MS,
  findSync,
  inFlight,
  PLATFORMS,
  platformAudienceId,
  type RunRow,
  runStatus,
  runsOf,
  runView,
  syncView,
} from './schema.js';

const idParam = z.object({ config_id: pathInt() });
const configId = (ctx: Ctx) => parse(idParam, ctx.req.params, 'path').config_id;
const randomDigits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');

function list(ctx: Ctx) {
  const rows = ctx.db
    .prepare('SELECT * FROM aud_syncs WHERE org_id = ? AND deleted_at IS NULL ORDER BY id')
    .all(ctx.auth.orgId) as Parameters<typeof syncView>[1][];
  return ok(rows.map((r) => syncView(ctx.db, r, ctx.now())));
}

const createBody = z.object({
  audience_id: z.number().int().min(1),
  platform: z.enum(PLATFORMS),
  mode: z.enum(['mirror', 'append_only']).default('mirror'),
  refresh_cadence_hours: z.number().int().min(1).max(8760).default(24),
  platform_audience_name: z.string().trim().min(1).max(200).optional(),
});

function create(ctx: Ctx) {
  const body = parse(createBody, ctx.req.body, 'body');
  const orgId = ctx.auth.orgId;
  const platform = ctx.db
    .prepare(
      "SELECT account_name FROM aud_platforms WHERE org_id = ? AND platform = ? AND status = 'connected'",
    )
    .get(orgId, body.platform) as { account_name: string } | undefined;
  if (!platform) {
    throw fail.unprocessable(['body', 'platform'], `${body.platform} is not connected for this organization`);
  }
  const audience = findList(ctx.db, orgId, body.audience_id);
  if (!audience) throw fail.notFound('Audience (list) not found');
  const dup = ctx.db
    .prepare(
      'SELECT id FROM aud_syncs WHERE org_id = ? AND audience_id = ? AND platform = ? AND deleted_at IS NULL',
    )
    .get(orgId, body.audience_id, body.platform) as { id: number } | undefined;
  if (dup)
    throw fail.conflict(`A ${body.platform} sync already exists for this audience (config_id ${dup.id})`);
  const now = iso(ctx.now());
  const name = body.platform_audience_name ?? `graph8 – ${audience.name}`;
  const externalId = platformAudienceId(body.platform, randomDigits);
  const result = ctx.db
    .prepare(
      `INSERT INTO aud_syncs (org_id, audience_id, platform, mode, refresh_cadence_hours, platform_audience_name,
        platform_audience_id, is_active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
    )
    .run(
      orgId,
      body.audience_id,
      body.platform,
      body.mode,
      body.refresh_cadence_hours,
      name,
      externalId,
      now,
      now,
    );
  ctx.outbox.record(
    'audience.create',
    `Create ${body.platform} custom audience "${name}" in ${platform.account_name}`,
    {
      platform: body.platform,
      platform_audience_id: externalId,
      platform_audience_name: name,
      audience_id: body.audience_id,
      mode: body.mode,
    },
  );
  return ok(syncView(ctx.db, findSync(ctx.db, orgId, Number(result.lastInsertRowid)), ctx.now()), 201);
}

function get(ctx: Ctx) {
  const id = configId(ctx);
  return ok(syncView(ctx.db, findSync(ctx.db, ctx.auth.orgId, id), ctx.now()));
}

const patchBody = z.object({
  mode: z.enum(['mirror', 'append_only']).optional(),
  refresh_cadence_hours: z.number().int().min(1).max(8760).optional(),
  is_active: z.boolean().optional(),
});

function patch(ctx: Ctx) {
  const id = configId(ctx);
  const body = parse(patchBody, ctx.req.body, 'body');
  const fields = (['mode', 'refresh_cadence_hours', 'is_active'] as const).filter(
    (k) => body[k] !== undefined,
  );
  if (fields.length === 0) throw fail.badRequest('No fields to update');
  const sync = findSync(ctx.db, ctx.auth.orgId, id);
  const values = fields.map((k) => {
    const v = body[k];
    return typeof v === 'boolean' ? (v ? 1 : 0) : v;
  });
  ctx.db
    .prepare(`UPDATE aud_syncs SET ${fields.map((f) => `${f} = ?, `).join('')}updated_at = ? WHERE id = ?`)
    .run(...values, iso(ctx.now()), sync.id);
  return ok(syncView(ctx.db, findSync(ctx.db, ctx.auth.orgId, id), ctx.now()));
}

function remove(ctx: Ctx) {
  const id = configId(ctx);
  const sync = findSync(ctx.db, ctx.auth.orgId, id);
  const now = iso(ctx.now());
  // Soft delete: the audience already on the ad platform stays where it is (§2.4).
  ctx.db
    .prepare('UPDATE aud_syncs SET is_active = 0, deleted_at = ?, updated_at = ? WHERE id = ?')
    .run(now, now, sync.id);
  return ok({ id: sync.id, deleted: true, is_active: false });
}

/** Pushes are credited: 1 credit per started 1,000 members (at least 1). */
function pushCredits(members: number): number {
  return Math.max(1, Math.ceil(members / 1000));
}

function trigger(ctx: Ctx) {
  const id = configId(ctx);
  const sync = findSync(ctx.db, ctx.auth.orgId, id);
  const now = ctx.now();
  const runs = runsOf(ctx.db, sync.id);
  if (sync.is_active === 0) {
    throw fail.unprocessable(['path', 'config_id'], 'Audience sync is inactive: set is_active=true first');
  }
  const running = runs.find((r) => inFlight(r, now));
  if (running) throw fail.conflict(`A run is already in progress (run_id ${running.id})`);
  const members = findList(ctx.db, ctx.auth.orgId, sync.audience_id)?.member_count ?? 0;
  const previous = runs.find((r) => runStatus(r, now) === 'completed')?.members_total ?? 0;
  const added = Math.max(0, members - previous);
  const removed = sync.mode === 'mirror' ? Math.max(0, previous - members) : 0;
  const total = sync.mode === 'mirror' ? members : previous + added;
  ctx.credits.debit(pushCredits(members), `Audience sync ${sync.id} push to ${sync.platform}`);
  const run: RunRow = {
    id: newId('run'),
    config_id: sync.id,
    trigger: 'manual',
    created_ms: now,
    outcome: members === 0 ? 'failed' : 'completed',
    members_added: members === 0 ? 0 : added,
    members_removed: members === 0 ? 0 : removed,
    members_total: members === 0 ? previous : total,
    error_message: members === 0 ? 'The audience list has no members to push' : null,
    cancelled_ms: null,
  };
  ctx.db
    .prepare(
      `INSERT INTO aud_runs (id, config_id, trigger, created_ms, outcome, members_added, members_removed, members_total,
        error_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      run.id,
      run.config_id,
      run.trigger,
      run.created_ms,
      run.outcome,
      run.members_added,
      run.members_removed,
      run.members_total,
      run.error_message,
    );
  if (run.outcome === 'failed') {
    ctx.db
      .prepare(
        'INSERT INTO aud_errors (run_id, config_id, error_code, error_message, details) VALUES (?, ?, ?, ?, ?)',
      )
      .run(
        run.id,
        sync.id,
        'EMPTY_AUDIENCE',
        run.error_message,
        JSON.stringify({ audience_id: sync.audience_id }),
      );
  }
  ctx.outbox.record(
    'audience.sync_trigger',
    `Push ${members} members to ${sync.platform} audience ${sync.platform_audience_id}`,
    {
      config_id: sync.id,
      run_id: run.id,
      platform: sync.platform,
      platform_audience_id: sync.platform_audience_id,
      mode: sync.mode,
      members,
    },
  );
  return ok({ run_id: run.id, config_id: sync.id, status: 'queued' }, 202);
}

/** Sandbox addition: graph8 has no route to cancel a run; this one stops a queued or running run. */
function cancelRun(ctx: Ctx) {
  const id = configId(ctx);
  const sync = findSync(ctx.db, ctx.auth.orgId, id);
  const now = ctx.now();
  const run = runsOf(ctx.db, sync.id).find((r) => r.id === ctx.req.params.run_id);
  if (!run) throw fail.notFound('Run not found');
  if (!inFlight(run, now)) throw fail.conflict(`Run ${run.id} is already ${runStatus(run, now)}`);
  ctx.db.prepare('UPDATE aud_runs SET cancelled_ms = ? WHERE id = ?').run(now, run.id);
  return ok(runView({ ...run, cancelled_ms: now }, now));
}

const limitQuery = z.object({ limit: qInt(z.number().int().min(1).max(100).default(20)) });

function runs(ctx: Ctx) {
  const id = configId(ctx);
  const { limit } = parse(limitQuery, ctx.req.query, 'query');
  const sync = findSync(ctx.db, ctx.auth.orgId, id);
  return ok(
    runsOf(ctx.db, sync.id)
      .slice(0, limit)
      .map((r) => runView(r, ctx.now())),
  );
}

function errors(ctx: Ctx) {
  const id = configId(ctx);
  const { limit } = parse(limitQuery, ctx.req.query, 'query');
  const sync = findSync(ctx.db, ctx.auth.orgId, id);
  const rows = ctx.db
    .prepare(
      `SELECT e.run_id, r.created_ms, e.error_code, e.error_message, e.details FROM aud_errors e
       JOIN aud_runs r ON r.id = e.run_id WHERE e.config_id = ? AND r.created_ms <= ?
       ORDER BY r.created_ms DESC, e.id DESC LIMIT ?`,
    )
    // An error only exists once its run has finished failing.
    .all(sync.id, ctx.now() - DONE_MS, limit) as {
    run_id: string;
    created_ms: number;
    error_code: string;
    error_message: string;
    details: string;
  }[];
  return ok(
    rows.map((e) => ({
      run_id: e.run_id,
      occurred_at: iso(e.created_ms + DONE_MS),
      error_code: e.error_code,
      error_message: e.error_message,
      details: JSON.parse(e.details) as unknown,
    })),
  );
}

export const audienceRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/audience-syncs',
    scope: 'integrations:read',
    summary: 'List audience syncs',
    handler: list,
  },
  {
    method: 'POST',
    path: '/audience-syncs',
    scope: 'integrations:run',
    summary: 'Create an audience sync',
    handler: create,
  },
  {
    method: 'GET',
    path: '/audience-syncs/:config_id',
    scope: 'integrations:read',
    summary: 'Get an audience sync',
    handler: get,
  },
  {
    method: 'PATCH',
    path: '/audience-syncs/:config_id',
    scope: 'integrations:run',
    summary: 'Update an audience sync',
    handler: patch,
  },
  {
    method: 'DELETE',
    path: '/audience-syncs/:config_id',
    scope: 'integrations:delete',
    summary: 'Deactivate an audience sync',
    handler: remove,
  },
  {
    method: 'POST',
    path: '/audience-syncs/:config_id/trigger',
    scope: 'integrations:run',
    summary: 'Push the audience to the ad platform now',
    handler: trigger,
  },
  {
    method: 'POST',
    path: '/audience-syncs/:config_id/runs/:run_id/cancel',
    scope: 'integrations:run',
    summary: 'Cancel a queued or running sync run (sandbox addition)',
    handler: cancelRun,
  },
  {
    method: 'GET',
    path: '/audience-syncs/:config_id/runs',
    scope: 'integrations:run',
    summary: 'Sync run history',
    handler: runs,
  },
  {
    method: 'GET',
    path: '/audience-syncs/:config_id/errors',
    scope: 'integrations:read',
    summary: 'Errors of failed runs',
    handler: errors,
  },
];
