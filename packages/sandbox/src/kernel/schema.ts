/** Kernel tables (README.md lists the columns other modules may rely on). Never edit a shipped entry. */
export const kernelMigrations: readonly string[] = [
  `CREATE TABLE orgs (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     credits REAL NOT NULL DEFAULT 0,
     is_agency INTEGER NOT NULL DEFAULT 0,
     created_at TEXT NOT NULL
   );
   CREATE TABLE agency_clients (
     agency_org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
     client_org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
     PRIMARY KEY (agency_org_id, client_org_id)
   );
   CREATE TABLE users (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
     email TEXT NOT NULL,
     name TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
     created_at TEXT NOT NULL,
     UNIQUE (org_id, email)
   );
   CREATE TABLE api_keys (
     id TEXT PRIMARY KEY,
     org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
     name TEXT NOT NULL,
     mode TEXT NOT NULL CHECK (mode IN ('live', 'test')),
     scopes TEXT NOT NULL DEFAULT '[]',
     token_hash TEXT NOT NULL UNIQUE,
     is_agency INTEGER NOT NULL DEFAULT 0,
     created_by TEXT,
     user_email TEXT,
     created_at INTEGER NOT NULL,
     expires_at INTEGER,
     last_used_at INTEGER,
     is_legacy_unrestricted INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX api_keys_org ON api_keys (org_id);
   CREATE TABLE request_log (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     request_id TEXT NOT NULL,
     org_id TEXT,
     key_id TEXT,
     method TEXT NOT NULL,
     path TEXT NOT NULL,
     status INTEGER NOT NULL,
     timestamp TEXT NOT NULL,
     duration_ms INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX request_log_org ON request_log (org_id, id);
   CREATE TABLE idempotency (
     org_id TEXT NOT NULL,
     key TEXT NOT NULL,
     status INTEGER NOT NULL,
     body TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (org_id, key)
   );
   CREATE TABLE outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     org_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     summary TEXT NOT NULL,
     payload TEXT NOT NULL DEFAULT 'null',
     created_at TEXT NOT NULL
   );
   CREATE INDEX outbox_org ON outbox (org_id, id);
   CREATE TABLE credit_ledger (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     org_id TEXT NOT NULL,
     amount REAL NOT NULL,
     reason TEXT NOT NULL,
     request_id TEXT,
     created_at TEXT NOT NULL
   );
   CREATE TABLE sandbox_meta (
     k TEXT PRIMARY KEY,
     v TEXT NOT NULL
   );`,
];
