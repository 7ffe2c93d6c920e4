/** Campaign writes: create (optionally with AI copy), plain PATCH and the transactional deep PATCH. */
import { z } from 'zod';
import { type Ctx, fail, ok, parse, type Route } from '../../module.js';
import { newUuid } from '../../util/ids.js';
import { findList } from '../../util/org.js';
import { looseInt } from '../../util/query.js';
import { slugify } from '../../util/text.js';
import { iso } from '../../util/time.js';
import { applyDeepPatch, checkDeepPatch, deepFields, deepPatchBody } from './deep-patch.js';
import { channelField, optionalPlainFields, PLAIN_KEYS, plainFields } from './fields.js';
import { documentPlan, GENERATION_MS, settleGeneration } from './generate.js';
import { findCampaign, uniqueSlug } from './schema.js';
import { fullView } from './views.js';

const createBody = z.object({
  ...plainFields,
  category: plainFields.category.default('Outbound'),
  brief: plainFields.brief.optional(),
  core_concept: plainFields.core_concept.optional(),
  primary_hook: plainFields.primary_hook.optional(),
  target_persona: plainFields.target_persona.optional(),
  goal: plainFields.goal.optional(),
  audience_list_id: looseInt().optional(),
  target_channels: z.array(channelField).min(1).max(4).default(['email']),
  secondary_hooks: z.array(z.string().trim().min(1).max(500)).max(10).default([]),
  // The API default is false; the MCP tool sends true explicitly (§2.7).
  auto_generate_documents: z.boolean().default(false),
});

/** AI copy is credited: one credit per generated document. */
const CREDITS_PER_DOCUMENT = 1;

function create(ctx: Ctx) {
  const body = parse(createBody, ctx.req.body, 'body');
  const orgId = ctx.auth.orgId;
  const listId = body.audience_list_id === undefined ? null : Number(body.audience_list_id);
  if (listId !== null && !findList(ctx.db, orgId, listId)) throw fail.notFound('Audience list not found');
  const channels = [...new Set(body.target_channels)];
  const plan = body.auto_generate_documents ? documentPlan(channels) : [];
  if (plan.length > 0)
    ctx.credits.debit(plan.length * CREDITS_PER_DOCUMENT, `AI copy for campaign "${body.name}"`);
  const nowMs = ctx.now();
  const now = iso(nowMs);
  const id = newUuid();
  const slug = uniqueSlug(ctx.db, orgId, slugify(body.name));
  const status = plan.length > 0 ? 'copy_in_progress' : 'draft';
  const generation = plan.length > 0 ? 'in_progress' : 'skipped';
  const ideaId = newUuid();
  ctx.db
    .prepare(
      `INSERT INTO camp_campaigns (id, org_id, name, slug, status, category, goal, target_persona, brief, core_concept,
        primary_hook, secondary_hooks, target_channels, audience_list_id, campaign_idea_id, generation_status,
        generation_ready_ms, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      orgId,
      body.name,
      slug,
      status,
      body.category,
      body.goal ?? null,
      body.target_persona ?? null,
      body.brief ?? null,
      body.core_concept ?? null,
      body.primary_hook ?? null,
      JSON.stringify(body.secondary_hooks),
      JSON.stringify(channels),
      listId,
      ideaId,
      generation,
      plan.length > 0 ? nowMs + GENERATION_MS : null,
      now,
      now,
    );
  const insertDoc = ctx.db.prepare(
    `INSERT INTO camp_documents (id, campaign_id, name, type, folder_path, status, version, content, structured_data,
      position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'draft', 0, '', '{}', ?, ?, ?)`,
  );
  plan.forEach((d, i) => {
    insertDoc.run(newUuid(), id, d.name, d.type, d.folder, i + 1, now, now);
  });
  return ok(
    {
      id,
      name: body.name,
      slug,
      status,
      category: body.category,
      audience_list_id: listId === null ? null : String(listId),
      campaign_idea_id: ideaId,
      target_channels: channels,
      secondary_hooks: body.secondary_hooks,
      generation_status: generation,
      total_documents: plan.length,
    },
    201,
  );
}

const patchBody = z.object(optionalPlainFields);

function patch(ctx: Ctx) {
  const body = parse(patchBody, ctx.req.body, 'body');
  const keys = PLAIN_KEYS.filter((k) => body[k] !== undefined);
  if (keys.length === 0) throw fail.badRequest('No fields to update');
  settleGeneration(ctx.db, ctx.auth.orgId, ctx.now());
  const campaign = findCampaign(ctx.db, ctx.auth.orgId, ctx.req.params.campaign_id ?? '');
  ctx.db
    .prepare(`UPDATE camp_campaigns SET ${keys.map((k) => `${k} = ?, `).join('')}updated_at = ? WHERE id = ?`)
    .run(...keys.map((k) => body[k] ?? null), iso(ctx.now()), campaign.id);
  return ok({ id: campaign.id, updated: true });
}

function patchFull(ctx: Ctx) {
  const body = parse(deepPatchBody, ctx.req.body, 'body');
  const plain = PLAIN_KEYS.filter((k) => body[k] !== undefined);
  if (plain.length === 0 && deepFields(body).length === 0) throw fail.badRequest('No fields to update');
  checkDeepPatch(body);
  settleGeneration(ctx.db, ctx.auth.orgId, ctx.now());
  const campaign = findCampaign(ctx.db, ctx.auth.orgId, ctx.req.params.campaign_id ?? '');
  // One transaction (a savepoint inside the kernel's): every check runs before the first write,
  // and a failure part-way leaves the campaign untouched.
  ctx.db.transaction(() => applyDeepPatch(ctx, campaign, body, plain))();
  return ok(fullView(ctx.db, findCampaign(ctx.db, ctx.auth.orgId, campaign.id)));
}

export const writeRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/campaigns',
    scope: 'campaigns:run',
    summary: 'Create a campaign (optionally with AI copy)',
    handler: create,
  },
  {
    method: 'PATCH',
    path: '/campaigns/:campaign_id',
    scope: 'campaigns:run',
    summary: 'Update campaign fields',
    handler: patch,
  },
  {
    method: 'PATCH',
    path: '/campaigns/:campaign_id/full',
    scope: 'campaigns:run',
    summary: 'Deep update: audience, documents, steps, linked sequences',
    handler: patchFull,
  },
];
