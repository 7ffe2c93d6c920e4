import { z } from 'zod';
import { defineTool } from '../../src/catalogue/types.js';
import { repoId } from './repos.js';

export const searchRepoKb = defineTool({
  name: 'g8_search_kb',
  title: 'Search repo knowledge base',
  description: "Full-text search of the repo's knowledge base: snippets with document ids. Changes nothing.",
  toolset: 'knowledge',
  scope: 'knowledge:write',
  tier: 'write',
  input: z.object({
    repo_id: repoId(),
    query: z.string().min(1).max(500).describe('Search text'),
  }),
  http: { method: 'POST', path: '/repos/{repo_id}/kb/search' },
});

export const listRepoKbDocuments = defineTool({
  name: 'g8_list_kb_documents',
  title: 'List repo knowledge base',
  description: "List the documents of the repo's knowledge base, grouped by section.",
  toolset: 'knowledge',
  scope: 'knowledge:read',
  tier: 'read',
  input: z.object({ repo_id: repoId() }),
  http: { method: 'GET', path: '/repos/{repo_id}/kb' },
});

export const devKnowledgeTools = [searchRepoKb, listRepoKbDocuments];
