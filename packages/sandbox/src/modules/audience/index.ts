/** Audience sync (§2.4): push graph8 lists to Meta, LinkedIn, Google Ads and X custom audiences. */
import type { SandboxModule } from '../../module.js';
import { audienceRoutes } from './routes.js';
import { migrations } from './schema.js';
import { seedAudience } from './seed.js';

export const audienceModule: SandboxModule = {
  name: 'audience',
  migrations,
  seed: seedAudience,
  routes: audienceRoutes,
};
