/** Knowledge base routes: org-level GTM KB (/kb) and the repo-scoped dev KB (/repos/:repo_id/kb). */
import { z } from 'zod';
import { type Ctx, type Db, fail, ok, parse, type Route } from '../../module.js';
import { findRepo } from '../repos/schema.js';
import { search } from './search.js';

interface KbRow {
  id: string;
  repo_id: string | null;
  section: string;
  title: string;
  content: string;
  updated_at: string;
}

/** The org's documents, plus one repo's own documents when `repoId` is given. */
function documents(db: Db, orgId: string, repoId: string | null): KbRow[] {
  return db
    .prepare(
      `SELECT id, repo_id, section, title, content, updated_at FROM kb_documents
       WHERE org_id = ? AND (repo_id IS NULL OR repo_id = ?) ORDER BY section, title`,
    )
    .all(orgId, repoId) as KbRow[];
}

function grouped(rows: readonly KbRow[]) {
  const sections = new Map<string, { id: string; title: string; updated_at: string; scope: string }[]>();
  for (const r of rows) {
    const list = sections.get(r.section) ?? [];
    list.push({
      id: r.id,
      title: r.title,
      updated_at: r.updated_at,
      scope: r.repo_id === null ? 'org' : 'repo',
    });
    sections.set(r.section, list);
  }
  return { sections: [...sections].map(([section, docs]) => ({ section, documents: docs })) };
}

const searchBody = z.object({
  query: z.string().trim().min(1).max(500),
  limit: z.number().int().min(1).max(50).default(10),
});

function searchReply(rows: readonly KbRow[], body: z.infer<typeof searchBody>) {
  const hits = search(rows, body.query);
  return ok({ query: body.query, results: hits.slice(0, body.limit), total: hits.length });
}

// Repo KB = the repo's own documents plus the org's GTM documents (positioning, ICP, pricing):
// an agent wiring GTM features into the code needs both.
function repoList(ctx: Ctx) {
  const repo = findRepo(ctx.db, ctx.auth.orgId, ctx.req.params.repo_id ?? '');
  return ok(grouped(documents(ctx.db, ctx.auth.orgId, repo.id)));
}

function repoSearch(ctx: Ctx) {
  const body = parse(searchBody, ctx.req.body, 'body');
  const repo = findRepo(ctx.db, ctx.auth.orgId, ctx.req.params.repo_id ?? '');
  return searchReply(documents(ctx.db, ctx.auth.orgId, repo.id), body);
}

/** Not in the REST contract: one document with its content, for the g8://repos/{id}/kb/{doc} resource. */
function repoDocument(ctx: Ctx) {
  const repo = findRepo(ctx.db, ctx.auth.orgId, ctx.req.params.repo_id ?? '');
  const doc = documents(ctx.db, ctx.auth.orgId, repo.id).find((d) => d.id === ctx.req.params.doc_id);
  if (!doc) throw fail.notFound('Document not found');
  return ok({ ...doc, scope: doc.repo_id === null ? 'org' : 'repo' });
}

function orgList(ctx: Ctx) {
  return ok(grouped(documents(ctx.db, ctx.auth.orgId, null)));
}

function orgSearch(ctx: Ctx) {
  const body = parse(searchBody, ctx.req.body, 'body');
  return searchReply(documents(ctx.db, ctx.auth.orgId, null), body);
}

export const knowledgeRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/repos/:repo_id/kb',
    scope: 'knowledge:read',
    summary: 'Knowledge base documents for a repo',
    handler: repoList,
  },
  {
    method: 'GET',
    path: '/repos/:repo_id/kb/:doc_id',
    scope: 'knowledge:read',
    summary: 'One knowledge base document with content (sandbox addition for MCP resources)',
    handler: repoDocument,
  },
  {
    method: 'POST',
    path: '/repos/:repo_id/kb/search',
    scope: 'knowledge:write',
    summary: 'Search the repo knowledge base',
    handler: repoSearch,
  },
  {
    method: 'GET',
    path: '/kb',
    scope: 'campaigns:read',
    summary: 'GTM knowledge base documents',
    handler: orgList,
  },
  {
    method: 'POST',
    path: '/kb/search',
    scope: 'campaigns:write',
    summary: 'Search the GTM knowledge base',
    handler: orgSearch,
  },
];
