/** Enrichment: lookups, verification, waterfall configs and runs, AI research, jobs, providers. */
import type { Db, SandboxModule, SeedContext } from '../../module.js';
import { iso } from '../../util/time.js';
import { aiEnrich } from './ai.js';
import { cancelJob, getJob } from './jobs.js';
import { lookupRoutes } from './lookup.js';
import { listProviders } from './providers.js';
import { insertConfig, waterfallRoutes } from './waterfall.js';

const migrations = [
  `CREATE TABLE enrichment_configs (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     column_id INTEGER UNIQUE,
     org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
     list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
     name TEXT NOT NULL,
     field_to_enrich TEXT NOT NULL,
     data_type TEXT NOT NULL,
     is_global INTEGER NOT NULL DEFAULT 0,
     is_active INTEGER NOT NULL DEFAULT 1,
     providers TEXT NOT NULL DEFAULT '[]',
     steps TEXT NOT NULL DEFAULT '[]',
     email_verification TEXT,
     credential_mode TEXT NOT NULL DEFAULT 'auto',
     skip_existing_values INTEGER NOT NULL DEFAULT 1,
     created_at TEXT NOT NULL
   );
   CREATE TABLE enrichment_jobs (
     id TEXT PRIMARY KEY,
     org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
     kind TEXT NOT NULL CHECK (kind IN ('waterfall', 'ai')),
     column_id INTEGER,
     list_id INTEGER NOT NULL,
     record_ids TEXT NOT NULL,
     results TEXT NOT NULL,
     successful INTEGER NOT NULL,
     failed INTEGER NOT NULL,
     credits REAL NOT NULL,
     warnings TEXT,
     provider_errors TEXT NOT NULL DEFAULT '[]',
     created_at_ms INTEGER NOT NULL
   );`,
  // Sandbox addition: a waterfall job cancelled before it finished (POST /enrichment/jobs/{job_id}/cancel).
  'ALTER TABLE enrichment_jobs ADD COLUMN cancelled_at_ms INTEGER',
];

/** One active config on the demo org's first list, so the enrich tool finds one without creating it. */
function seed(db: Db, s: SeedContext): void {
  const list = db
    .prepare<[string], { id: number }>('SELECT id FROM lists WHERE org_id = ? ORDER BY id LIMIT 1')
    .get(s.orgId);
  if (!list) return;
  insertConfig(db, {
    orgId: s.orgId,
    listId: list.id,
    name: 'Find work emails',
    field: 'email',
    providers: ['graph8', 'hunter', 'prospeo'],
    steps: [{ provider: 'graph8' }, { provider: 'hunter' }, { provider: 'prospeo' }],
    emailVerification: null,
    credentialMode: 'auto',
    skipExisting: true,
    createdAt: iso(s.now),
  });
}

export function enrichmentModule(options: { lookupCost: number }): SandboxModule {
  return {
    name: 'enrichment',
    migrations,
    seed,
    routes: [
      ...lookupRoutes(options.lookupCost),
      ...waterfallRoutes,
      aiEnrich,
      getJob,
      cancelJob,
      listProviders,
    ],
  };
}
