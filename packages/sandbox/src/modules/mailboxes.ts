/** Sending mailboxes: table, seed and GET /mailboxes (§2.8, used by the launch dry-run). */
import type { Db, Route, SandboxModule, SeedContext } from '../module.js';
import { ok } from '../module.js';
import { queryBool, queryInt } from '../util/query.js';
import { DAY_MS, iso } from '../util/time.js';

const migrations = [
  `CREATE TABLE mailboxes (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
     email TEXT NOT NULL,
     display_name TEXT NOT NULL,
     provider TEXT NOT NULL,
     connection_status TEXT NOT NULL CHECK (connection_status IN ('connected', 'disconnected', 'error')),
     is_archived INTEGER NOT NULL DEFAULT 0,
     daily_limit INTEGER NOT NULL DEFAULT 50,
     warmup_status TEXT NOT NULL DEFAULT 'not_started',
     warmup_enabled INTEGER NOT NULL DEFAULT 0,
     user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
     created_at TEXT NOT NULL
   );
   CREATE INDEX mailboxes_org ON mailboxes (org_id, id);`,
];

interface MailboxRow {
  id: number;
  email: string;
  display_name: string;
  provider: string;
  connection_status: string;
  is_archived: number;
  daily_limit: number;
  warmup_status: string;
  warmup_enabled: number;
  user_id: number | null;
  created_at: string;
}

function seed(db: Db, s: SeedContext): void {
  const user = (orgId: string, email: string) =>
    db
      .prepare<[string, string], { id: number }>('SELECT id FROM users WHERE org_id = ? AND email = ?')
      .get(orgId, email)?.id ?? null;
  const insert = db.prepare(`INSERT INTO mailboxes (org_id, email, display_name, provider, connection_status,
      is_archived, daily_limit, warmup_status, warmup_enabled, user_id, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const rows = [
    [
      s.orgId,
      'maya.chen@acmerobotics.com',
      'Maya Chen',
      'gmail',
      'connected',
      0,
      60,
      'completed',
      1,
      'maya.chen@acmerobotics.com',
    ],
    [
      s.orgId,
      'jordan@acmerobotics-mail.com',
      'Jordan Ellis',
      'inboxkit',
      'connected',
      0,
      40,
      'active',
      1,
      'jordan.ellis@acmerobotics.com',
    ],
    [
      s.orgId,
      'priya@acmerobotics-mail.com',
      'Priya Raman',
      'smtp',
      'error',
      0,
      30,
      'paused',
      0,
      'priya.raman@acmerobotics.com',
    ],
    [
      s.orgId,
      'sales-old@acmerobotics.com',
      'Acme Sales (old)',
      'outlook',
      'disconnected',
      1,
      50,
      'not_started',
      0,
      null,
    ],
    [
      s.otherOrgId,
      'hank@globexpartners.com',
      'Hank Scorpio',
      'gmail',
      'connected',
      0,
      80,
      'completed',
      1,
      'hank.scorpio@globexpartners.com',
    ],
  ] as const;
  rows.forEach(([orgId, email, name, provider, status, archived, limit, warmup, warmupOn, owner], i) => {
    insert.run(
      orgId,
      email,
      name,
      provider,
      status,
      archived,
      limit,
      warmup,
      warmupOn,
      owner ? user(orgId, owner) : null,
      iso(s.now - (200 - i * 20) * DAY_MS),
    );
  });
}

const listMailboxes: Route = {
  method: 'GET',
  path: '/mailboxes',
  scope: 'campaigns:read',
  summary: 'Sending mailboxes (archived ones carry is_archived=true)',
  handler(ctx) {
    const limit = queryInt(ctx.req.query, 'limit', { min: 1, max: 500 }) ?? 100;
    const includeArchived = queryBool(ctx.req.query, 'include_archived', true);
    const rows = ctx.db
      .prepare<[string, number, number], MailboxRow>(
        `SELECT * FROM mailboxes WHERE org_id = ? AND (? = 1 OR is_archived = 0) ORDER BY id LIMIT ?`,
      )
      .all(ctx.auth.orgId, includeArchived ? 1 : 0, limit);
    return ok(
      rows.map((m) => ({
        id: m.id,
        email: m.email,
        display_name: m.display_name,
        provider: m.provider,
        connection_status: m.connection_status,
        is_archived: m.is_archived === 1,
        is_active: m.connection_status === 'connected' && m.is_archived === 0,
        daily_limit: m.daily_limit,
        warmup_status: m.warmup_status,
        warmup_enabled: m.warmup_enabled === 1,
        user_id: m.user_id,
        created_at: m.created_at,
      })),
    );
  },
};

export const mailboxesModule: SandboxModule = {
  name: 'mailboxes',
  migrations,
  seed,
  routes: [listMailboxes],
};
