import type { SandboxModule } from '../module.js';
import { audienceModule } from './audience/index.js';
import { campaignsModule } from './campaigns/index.js';
import { crmModule } from './crm/index.js';
import { inboxModule } from './inbox/index.js';
import { knowledgeModule } from './knowledge/index.js';
import { reposModule } from './repos/index.js';
import { sequencesModule } from './sequences/index.js';

/**
 * Sequences, inbox, audience and CRM syncs, repos, campaigns and knowledge base.
 * Order matters for seeding: inbox threads reference sequences, campaigns link sequences and the
 * scanned repo, and the knowledge base attaches documents to that repo.
 */
export const domainModules: readonly SandboxModule[] = [
  sequencesModule,
  inboxModule,
  audienceModule,
  crmModule,
  reposModule,
  campaignsModule,
  knowledgeModule,
];
