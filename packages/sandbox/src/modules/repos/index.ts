/** Developer mode (§2.6): connected repositories, client-side scans and the install patch plan. */
import type { SandboxModule } from '../../module.js';
import { repoRoutes } from './routes.js';
import { migrations } from './schema.js';
import { seedRepos } from './seed.js';

export const reposModule: SandboxModule = {
  name: 'repos',
  migrations,
  seed: seedRepos,
  routes: repoRoutes,
};
