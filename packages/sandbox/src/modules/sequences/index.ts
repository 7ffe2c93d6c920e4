/** Sequences (§2.2): drafts, preview rendering, lifecycle (pause/resume/archive), steps, analytics. */
import type { SandboxModule } from '../../module.js';
import { createRoutes } from './routes-create.js';
import { lifecycleRoutes } from './routes-lifecycle.js';
import { readRoutes } from './routes-read.js';
import { stepRoutes } from './routes-steps.js';
import { migrations } from './schema.js';
import { seedSequences } from './seed.js';

export const sequencesModule: SandboxModule = {
  name: 'sequences',
  migrations,
  seed: seedSequences,
  routes: [...createRoutes, ...readRoutes, ...lifecycleRoutes, ...stepRoutes],
};
