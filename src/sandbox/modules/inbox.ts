/** Inbox (§2.3): threads across email, SMS and LinkedIn; read, draft, assign, tag and reply. */
import type { SandboxModule } from '../module.js';
import { actRoutes } from './inbox/routes-act.js';
import { readRoutes } from './inbox/routes-read.js';
import { migrations } from './inbox/schema.js';
import { seedInbox } from './inbox/seed.js';

export const inboxModule: SandboxModule = {
  name: 'inbox',
  migrations,
  seed: seedInbox,
  routes: [...readRoutes, ...actRoutes],
};
