/** Sequences (§2.2): drafts, preview rendering, lifecycle (pause/resume/archive), steps, analytics. */
import type { SandboxModule } from '../module.js';
import { createRoutes } from './sequences/routes-create.js';
import { lifecycleRoutes } from './sequences/routes-lifecycle.js';
import { readRoutes } from './sequences/routes-read.js';
import { stepRoutes } from './sequences/routes-steps.js';
import { migrations } from './sequences/schema.js';
import { seedSequences } from './sequences/seed.js';

export const sequencesModule: SandboxModule = {
  name: 'sequences',
  migrations,
  seed: seedSequences,
  routes: [...createRoutes, ...readRoutes, ...lifecycleRoutes, ...stepRoutes],
};
