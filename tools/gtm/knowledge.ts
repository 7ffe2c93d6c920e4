import { z } from 'zod';
import { defineTool } from '../../src/catalogue/types.js';
import { asObj } from '../data.js';

export const searchKb = defineTool({
  name: 'g8_search_kb',
  title: 'Search knowledge base',
  description:
    "Full-text search of the org's GTM knowledge base: snippets with document ids. Changes nothing.",
  toolset: 'knowledge',
  scope: 'campaigns:write',
  tier: 'write',
  input: z.object({ query: z.string().min(1).max(500).describe('Search text') }),
  http: { method: 'POST', path: '/kb/search' },
});

export const listKbDocuments = defineTool({
  name: 'g8_list_kb_documents',
  title: 'List knowledge base',
  description: "List the documents of the org's GTM knowledge base, grouped by section.",
  toolset: 'knowledge',
  scope: 'campaigns:read',
  tier: 'read',
  input: z.object({ section: z.string().min(1).optional().describe('Only this section') }),
  async run({ section }, { api }) {
    const res = await api.call({ method: 'GET', path: '/kb' });
    // The route takes no filter (contract §2.7): a section is picked out here.
    const sections = asObj(res.data)?.['sections'];
    if (section === undefined || !Array.isArray(sections)) return res;
    const kept = sections.filter((s) => asObj(s)?.['section'] === section);
    return { ...res, data: { ...asObj(res.data), sections: kept } };
  },
});

export const gtmKnowledgeTools = [searchKb, listKbDocuments];
