/** CRM sync routes (§2.5): connections, pushes with per-record results, field catalogues, health. */
import { z } from 'zod';
import { type Ctx, type Db, fail, ok, parse, type Route } from '../../module.js';
import { findList, orgContactIds } from '../../util/org.js';
import { qStr } from '../../util/query.js';
import { iso } from '../../util/time.js';
import { type EntityType, fieldsOf } from './fields.js';
import { checkRecord, type Entity, externalId } from './push.js';
import {
  type ConnectionRow,
  connectionOf,
  DAILY_LIMIT,
  type Provider,
  providerOf,
  rateUsedToday,
  requireConnected,
} from './schema.js';

function list(ctx: Ctx) {
  const rows = ctx.db
    .prepare('SELECT * FROM crm_connections WHERE org_id = ? ORDER BY provider')
    .all(ctx.auth.orgId) as ConnectionRow[];
  return ok(
    rows.map((c) => ({
      provider: c.provider,
      status: c.status,
      connected_at: c.connected_at,
      last_sync_at: c.last_sync_at,
      account_name: c.account_name,
    })),
  );
}

/** Counts pushed records against the CRM's daily budget and stamps the last sync. */
function bookUsage(db: Db, c: ConnectionRow, calls: number, nowMs: number): void {
  const today = iso(nowMs).slice(0, 10);
  db.prepare(
    'UPDATE crm_connections SET rate_day = ?, rate_used = ?, last_sync_at = ? WHERE org_id = ? AND provider = ?',
  ).run(
    today,
    rateUsedToday(c, today) + calls,
    calls > 0 ? iso(nowMs) : c.last_sync_at,
    c.org_id,
    c.provider,
  );
}

const recordsBody = z.object({ records: z.array(z.record(z.string(), z.unknown())).min(1).max(100) });

function pushEntity(entity: Entity) {
  return (ctx: Ctx) => {
    const body = parse(recordsBody, ctx.req.body, 'body');
    const provider = providerOf(ctx.req.params.provider);
    const connection = requireConnected(ctx.db, ctx.auth.orgId, provider);
    const now = iso(ctx.now());
    const upsert = ctx.db.prepare(
      `INSERT INTO crm_records (org_id, provider, entity, match_key, external_id, payload, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (org_id, provider, entity, match_key) DO UPDATE SET payload = excluded.payload, updated_at = excluded.updated_at`,
    );
    const existing = ctx.db.prepare(
      'SELECT external_id FROM crm_records WHERE org_id = ? AND provider = ? AND entity = ? AND match_key = ?',
    );
    const results = body.records.map((record, index) => {
      const checked = checkRecord(provider, entity, record);
      if (checked.key === undefined) return { index, ok: false, error: checked.error ?? 'Record rejected' };
      const before = existing.get(ctx.auth.orgId, provider, entity, checked.key) as
        | { external_id: string }
        | undefined;
      const id = before?.external_id ?? externalId(provider, entity, `${ctx.auth.orgId}:${checked.key}`);
      upsert.run(ctx.auth.orgId, provider, entity, checked.key, id, JSON.stringify(record), now, now);
      return { index, ok: true, external_id: id, action: before ? 'updated' : 'created' };
    });
    const pushed = results.filter((r) => r.ok).length;
    bookUsage(ctx.db, connection, pushed, ctx.now());
    ctx.outbox.record('crm.push', `Push ${pushed} of ${results.length} ${entity} to ${provider}`, {
      provider,
      entity,
      records: results
        .filter((r) => r.ok)
        .map((r) => ({ ...body.records[r.index], external_id: r.external_id })),
    });
    return ok({ provider, entity, pushed, failed: results.length - pushed, results });
  };
}

/** CRMs with a list concept graph8 can drive (Pipedrive through labels). */
const LIST_CAPABLE: ReadonlySet<string> = new Set(['hubspot', 'salesforce', 'pipedrive']);

const listsBody = z.object({
  records: z
    .array(
      z.object({
        list_id: z.number().int().min(1),
        add_contact_ids: z.array(z.number().int().min(1)).max(10_000).default([]),
        remove_contact_ids: z.array(z.number().int().min(1)).max(10_000).default([]),
      }),
    )
    .min(1)
    .max(100),
});

function pushLists(ctx: Ctx) {
  const body = parse(listsBody, ctx.req.body, 'body');
  const raw = (ctx.req.params.provider ?? '').toLowerCase();
  if (raw === 'zoho' || raw === 'sugarcrm') {
    throw fail.unprocessable(
      ['path', 'provider'],
      `List sync is not supported for ${raw} (use hubspot, salesforce or pipedrive)`,
    );
  }
  const provider = providerOf(raw);
  if (!LIST_CAPABLE.has(provider))
    throw fail.unprocessable(['path', 'provider'], `List sync is not supported for ${provider}`);
  const connection = requireConnected(ctx.db, ctx.auth.orgId, provider);
  const add = ctx.db.prepare(
    'INSERT OR IGNORE INTO crm_list_members (org_id, provider, list_id, contact_id) VALUES (?, ?, ?, ?)',
  );
  const drop = ctx.db.prepare(
    'DELETE FROM crm_list_members WHERE org_id = ? AND provider = ? AND list_id = ? AND contact_id = ?',
  );
  const results = body.records.map((r, index) => {
    if (!findList(ctx.db, ctx.auth.orgId, r.list_id))
      return { index, ok: false, error: `List ${r.list_id} not found` };
    const wanted = [...r.add_contact_ids, ...r.remove_contact_ids];
    const known = orgContactIds(ctx.db, ctx.auth.orgId, wanted);
    const unknown = wanted.filter((id) => !known.has(id));
    if (unknown.length > 0)
      return { index, ok: false, error: `Unknown contact ids: ${[...new Set(unknown)].join(', ')}` };
    for (const id of r.add_contact_ids) add.run(ctx.auth.orgId, provider, r.list_id, id);
    for (const id of r.remove_contact_ids) drop.run(ctx.auth.orgId, provider, r.list_id, id);
    return {
      index,
      ok: true,
      external_id: externalId(provider, 'lists', `${ctx.auth.orgId}:${r.list_id}`),
      added: r.add_contact_ids.length,
      removed: r.remove_contact_ids.length,
    };
  });
  const updated = results.filter((r) => r.ok).length;
  bookUsage(ctx.db, connection, updated, ctx.now());
  ctx.outbox.record('crm.push', `Update ${updated} of ${results.length} lists in ${provider}`, {
    provider,
    entity: 'lists',
    records: body.records.filter((_, i) => results[i]?.ok),
  });
  return ok({ provider, entity: 'lists', updated, failed: results.length - updated, results });
}

const fieldsQuery = z.object({
  entity_type: qStr(z.enum(['contacts', 'companies', 'leads', 'deals']).default('contacts')),
});

function fields(ctx: Ctx) {
  const q = parse(fieldsQuery, ctx.req.query, 'query');
  const provider = providerOf(ctx.req.params.provider);
  requireConnected(ctx.db, ctx.auth.orgId, provider);
  return ok({
    provider,
    entity_type: q.entity_type,
    fields: fieldsOf(provider, q.entity_type as EntityType),
  });
}

function nextUtcMidnight(nowMs: number): string {
  const d = new Date(nowMs);
  return iso(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
}

function status(ctx: Ctx) {
  const provider: Provider = providerOf(ctx.req.params.provider);
  const c = connectionOf(ctx.db, ctx.auth.orgId, provider);
  const now = iso(ctx.now());
  if (c)
    ctx.db
      .prepare('UPDATE crm_connections SET last_checked_at = ? WHERE org_id = ? AND provider = ?')
      .run(now, c.org_id, provider);
  const connected = c?.status === 'connected';
  const limit = DAILY_LIMIT[provider];
  return ok({
    provider,
    connected,
    healthy: connected && !c?.last_error,
    last_checked_at: now,
    rate_limit: connected
      ? {
          limit,
          remaining: Math.max(0, limit - rateUsedToday(c, now.slice(0, 10))),
          reset_at: nextUtcMidnight(ctx.now()),
        }
      : null,
    last_error: c?.last_error ?? null,
  });
}

export const crmRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/crm-syncs',
    scope: 'integrations:read',
    summary: 'List CRM connections',
    handler: list,
  },
  {
    method: 'POST',
    path: '/crm-syncs/:provider/contacts/push',
    scope: 'integrations:run',
    summary: 'Create or update contacts in the CRM',
    handler: pushEntity('contacts'),
  },
  {
    method: 'POST',
    path: '/crm-syncs/:provider/companies/push',
    scope: 'integrations:run',
    summary: 'Create or update companies in the CRM',
    handler: pushEntity('companies'),
  },
  {
    method: 'POST',
    path: '/crm-syncs/:provider/lists/push',
    scope: 'integrations:run',
    summary: 'Change CRM list membership',
    handler: pushLists,
  },
  {
    method: 'GET',
    path: '/crm-syncs/:provider/fields',
    scope: 'integrations:read',
    summary: 'CRM object fields',
    handler: fields,
  },
  {
    method: 'GET',
    path: '/crm-syncs/:provider/status',
    scope: 'integrations:read',
    summary: 'CRM connection health',
    handler: status,
  },
];
