/** Knowledge base: org-level GTM documents and repo-scoped developer documents, with search. */
import type { SandboxModule } from '../../module.js';
import { knowledgeRoutes } from './routes.js';
import { seedKnowledge } from './seed.js';

export const knowledgeModule: SandboxModule = {
  name: 'knowledge',
  migrations: [
    `CREATE TABLE kb_documents (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL,
      repo_id TEXT,
      section TEXT NOT NULL,
      title TEXT NOT NULL,
      content TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    'CREATE INDEX kb_documents_org ON kb_documents(org_id, repo_id)',
  ],
  seed: seedKnowledge,
  routes: knowledgeRoutes,
};
