/** Campaigns (§2.6 dev + §2.7 GTM): create with AI copy, read, deep edit and launch. */
import type { SandboxModule } from '../../module.js';
import { launchRoutes } from './launch.js';
import { readRoutes } from './routes-read.js';
import { writeRoutes } from './routes-write.js';
import { migrations } from './schema.js';
import { seedCampaigns } from './seed.js';

export const campaignsModule: SandboxModule = {
  name: 'campaigns',
  migrations,
  seed: seedCampaigns,
  routes: [...readRoutes, ...writeRoutes, ...launchRoutes],
};
