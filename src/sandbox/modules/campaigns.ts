/** Campaigns (§2.6 dev + §2.7 GTM): create with AI copy, read, deep edit and launch. */
import type { SandboxModule } from '../module.js';
import { launchRoutes } from './campaigns/launch.js';
import { readRoutes } from './campaigns/routes-read.js';
import { writeRoutes } from './campaigns/routes-write.js';
import { migrations } from './campaigns/schema.js';
import { seedCampaigns } from './campaigns/seed.js';

export const campaignsModule: SandboxModule = {
  name: 'campaigns',
  migrations,
  seed: seedCampaigns,
  routes: [...readRoutes, ...writeRoutes, ...launchRoutes],
};
