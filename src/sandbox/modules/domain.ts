import type { SandboxModule } from '../module.js';
import { audienceModule } from './audience.js';
import { campaignsModule } from './campaigns.js';
import { crmModule } from './crm.js';
import { inboxModule } from './inbox.js';
import { knowledgeModule } from './knowledge.js';
import { reposModule } from './repos.js';
import { sequencesModule } from './sequences.js';

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
