import type { SandboxModule } from '../module.js';

/** Sequences, inbox, audience and CRM syncs, repos, campaigns and knowledge base. */
export const domainModules: readonly SandboxModule[] = [];
