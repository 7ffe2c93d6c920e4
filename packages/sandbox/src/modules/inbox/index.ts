/** Inbox (§2.3): threads across email, SMS and LinkedIn; read, draft, assign, tag and reply. */
import type { SandboxModule } from '../../module.js';
import { actRoutes } from './routes-act.js';
import { readRoutes } from './routes-read.js';
import { migrations } from './schema.js';
import { seedInbox } from './seed.js';

export const inboxModule: SandboxModule = {
  name: 'inbox',
  migrations,
  seed: seedInbox,
  routes: [...readRoutes, ...actRoutes],
};
