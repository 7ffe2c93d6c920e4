/** Campaign reads: GTM list/detail/full/document and the repo-scoped dev variants. */
import { type Ctx, fail, ok, okList, type Route } from '../../module.js';
import { pageParams, pagination } from '../../util/pagination.js';
import { findRepo } from '../repos/schema.js';
import { settleGeneration } from './generate.js';
import { type CampaignRow, type DocumentRow, findCampaign } from './schema.js';
import { detailView, documentView, fullView, summaryView } from './views.js';

const campaignId = (ctx: Ctx) => ctx.req.params.campaign_id ?? '';

function list(ctx: Ctx) {
  const page = pageParams(ctx.req.query);
  settleGeneration(ctx.db, ctx.auth.orgId, ctx.now());
  const total = (
    ctx.db
      .prepare('SELECT COUNT(*) AS n FROM camp_campaigns WHERE org_id = ? AND is_archived = 0')
      .get(ctx.auth.orgId) as {
      n: number;
    }
  ).n;
  const rows = ctx.db
    .prepare(
      'SELECT * FROM camp_campaigns WHERE org_id = ? AND is_archived = 0 ORDER BY created_at DESC, id LIMIT ? OFFSET ?',
    )
    .all(ctx.auth.orgId, page.limit, page.offset) as CampaignRow[];
  return okList(rows.map(summaryView), pagination(page, total));
}

function get(ctx: Ctx) {
  settleGeneration(ctx.db, ctx.auth.orgId, ctx.now());
  return ok(detailView(ctx.db, findCampaign(ctx.db, ctx.auth.orgId, campaignId(ctx))));
}

function getFull(ctx: Ctx) {
  settleGeneration(ctx.db, ctx.auth.orgId, ctx.now());
  return ok(fullView(ctx.db, findCampaign(ctx.db, ctx.auth.orgId, campaignId(ctx))));
}

function getDocument(ctx: Ctx) {
  settleGeneration(ctx.db, ctx.auth.orgId, ctx.now());
  const campaign = findCampaign(ctx.db, ctx.auth.orgId, campaignId(ctx));
  const doc = ctx.db
    .prepare('SELECT * FROM camp_documents WHERE id = ? AND campaign_id = ?')
    .get(ctx.req.params.document_id ?? '', campaign.id) as DocumentRow | undefined;
  if (!doc) throw fail.notFound('Document not found');
  return ok(documentView(doc));
}

function listForRepo(ctx: Ctx) {
  const page = pageParams(ctx.req.query);
  const repo = findRepo(ctx.db, ctx.auth.orgId, ctx.req.params.repo_id ?? '');
  settleGeneration(ctx.db, ctx.auth.orgId, ctx.now());
  const from = `FROM camp_campaigns c JOIN camp_repo_links l ON l.campaign_id = c.id
    WHERE l.repo_id = ? AND c.org_id = ? AND c.is_archived = 0`;
  const total = (ctx.db.prepare(`SELECT COUNT(*) AS n ${from}`).get(repo.id, ctx.auth.orgId) as { n: number })
    .n;
  const rows = ctx.db
    .prepare(`SELECT c.* ${from} ORDER BY c.created_at DESC, c.id LIMIT ? OFFSET ?`)
    .all(repo.id, ctx.auth.orgId, page.limit, page.offset) as CampaignRow[];
  return okList(rows.map(summaryView), pagination(page, total));
}

function getForRepo(ctx: Ctx) {
  const repo = findRepo(ctx.db, ctx.auth.orgId, ctx.req.params.repo_id ?? '');
  settleGeneration(ctx.db, ctx.auth.orgId, ctx.now());
  const linked = ctx.db
    .prepare('SELECT 1 FROM camp_repo_links WHERE repo_id = ? AND campaign_id = ?')
    .get(repo.id, campaignId(ctx));
  if (!linked) throw fail.notFound('Campaign not found');
  return ok(detailView(ctx.db, findCampaign(ctx.db, ctx.auth.orgId, campaignId(ctx))));
}

export const readRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/campaigns',
    scope: 'campaigns:read',
    summary: 'List campaigns (not archived)',
    handler: list,
  },
  {
    method: 'GET',
    path: '/campaigns/:campaign_id',
    scope: 'campaigns:read',
    summary: 'Get a campaign',
    handler: get,
  },
  {
    method: 'GET',
    path: '/campaigns/:campaign_id/full',
    scope: 'campaigns:read',
    summary: 'Full campaign snapshot',
    handler: getFull,
  },
  {
    method: 'GET',
    path: '/campaigns/:campaign_id/documents/:document_id',
    scope: 'campaigns:read',
    summary: 'Get a campaign document',
    handler: getDocument,
  },
  {
    method: 'GET',
    path: '/repos/:repo_id/campaigns',
    scope: 'campaigns:read',
    summary: 'Campaigns linked to a repo',
    handler: listForRepo,
  },
  {
    method: 'GET',
    path: '/repos/:repo_id/campaigns/:campaign_id',
    scope: 'campaigns:read',
    summary: 'A campaign linked to a repo',
    handler: getForRepo,
  },
];
