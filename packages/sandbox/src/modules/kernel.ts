/**
 * The kernel as a module: its tables migrate first, and its seed creates the two orgs, their
 * users and API keys (including the printed demo key) before any domain seed runs.
 */

import { insertKey } from '../kernel/keys.js';
import { kernelMigrations } from '../kernel/schema.js';
import type { Db, SandboxModule, SeedContext } from '../module.js';
import { DAY_MS, epochSeconds, iso } from '../util/time.js';

export const DEMO_ORG_NAME = 'Acme Robotics';
export const OTHER_ORG_NAME = 'Globex Partners';

const DEMO_USERS = [
  { email: 'maya.chen@acmerobotics.com', name: 'Maya Chen', role: 'admin' },
  { email: 'jordan.ellis@acmerobotics.com', name: 'Jordan Ellis', role: 'member' },
  { email: 'priya.raman@acmerobotics.com', name: 'Priya Raman', role: 'member' },
  { email: 'tomas.alvarez@acmerobotics.com', name: 'Tomás Alvarez', role: 'member' },
  { email: 'sam.whitaker@acmerobotics.com', name: 'Sam Whitaker', role: 'member' },
] as const;

const OTHER_USERS = [
  { email: 'hank.scorpio@globexpartners.com', name: 'Hank Scorpio', role: 'admin' },
  { email: 'lena.fischer@globexpartners.com', name: 'Lena Fischer', role: 'member' },
] as const;

export function getMeta(db: Db, k: string): string | undefined {
  return db.prepare<[string], { v: string }>('SELECT v FROM sandbox_meta WHERE k = ?').get(k)?.v;
}

export function setMeta(db: Db, k: string, v: string): void {
  db.prepare(
    'INSERT INTO sandbox_meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v',
  ).run(k, v);
}

/** The unrestricted test key printed at every start. */
export function mintDemoKey(db: Db, orgId: string, nowMs: number): string {
  const { token } = insertKey(db, {
    orgId,
    name: 'Sandbox demo key (full access)',
    mode: 'test',
    scopes: [],
    isAgency: false,
    createdBy: DEMO_USERS[0].email,
    userEmail: null,
    createdAt: epochSeconds(nowMs),
    expiresAt: null,
  });
  setMeta(db, 'demo_key', token);
  return token;
}

function seedKernel(db: Db, seed: SeedContext): void {
  const createdAt = iso(seed.now - 400 * DAY_MS);
  const insertOrg = db.prepare(
    'INSERT INTO orgs (id, name, credits, is_agency, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  insertOrg.run(seed.orgId, DEMO_ORG_NAME, 500, 0, createdAt);
  // The second org is an agency managing the demo org, so X-Target-Org-Id has a real case to serve.
  insertOrg.run(seed.otherOrgId, OTHER_ORG_NAME, 0, 1, createdAt);
  db.prepare('INSERT INTO agency_clients (agency_org_id, client_org_id) VALUES (?, ?)').run(
    seed.otherOrgId,
    seed.orgId,
  );

  const insertUser = db.prepare(
    'INSERT INTO users (org_id, email, name, role, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  for (const u of DEMO_USERS) insertUser.run(seed.orgId, u.email, u.name, u.role, createdAt);
  for (const u of OTHER_USERS) insertUser.run(seed.otherOrgId, u.email, u.name, u.role, createdAt);

  setMeta(db, 'demo_org_id', seed.orgId);
  setMeta(db, 'other_org_id', seed.otherOrgId);
  setMeta(db, 'seeded_at', iso(seed.now));
  mintDemoKey(db, seed.orgId, seed.now);

  // Restricted keys make the UI and GET /api-keys realistic; their tokens are not kept.
  const base = { createdBy: DEMO_USERS[0].email, createdAt: epochSeconds(seed.now - 30 * DAY_MS) };
  const demoKeys = [
    {
      name: 'Read-only CRM',
      mode: 'test',
      scopes: ['contacts:read', 'companies:read'],
      userEmail: null,
      expiresAt: null,
    },
    {
      name: 'Enrichment worker',
      mode: 'live',
      scopes: ['enrichment:*', 'contacts:read'],
      userEmail: null,
      expiresAt: epochSeconds(seed.now + 180 * DAY_MS),
    },
    {
      name: "Jordan's laptop",
      mode: 'test',
      scopes: ['contacts:read', 'sequences:read', 'inbox:read'],
      userEmail: DEMO_USERS[1].email,
      expiresAt: null,
    },
  ] as const;
  for (const k of demoKeys) {
    insertKey(db, { ...base, orgId: seed.orgId, isAgency: false, ...k, scopes: [...k.scopes] });
  }
  insertKey(db, {
    orgId: seed.otherOrgId,
    name: 'Globex agency key',
    mode: 'live',
    scopes: [],
    isAgency: true,
    createdBy: OTHER_USERS[0].email,
    userEmail: null,
    createdAt: epochSeconds(seed.now - 10 * DAY_MS),
    expiresAt: null,
  });
}

export const kernelModule: SandboxModule = {
  name: 'kernel',
  migrations: kernelMigrations,
  seed: seedKernel,
  routes: [],
};
