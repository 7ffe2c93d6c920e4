/**
 * Tables of the sandbox's upstream OAuth provider ("Sign in with graph8" for local use). Codes
 * and tokens are stored as SHA-256 hashes only. Never edit a shipped entry; append.
 */
import type { SandboxModule } from '../module.js';

export const oauthMigrations: readonly string[] = [
  `CREATE TABLE oauth_clients (
     client_id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     secret_hash TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE TABLE oauth_codes (
     code_hash TEXT PRIMARY KEY,
     client_id TEXT NOT NULL,
     user_id INTEGER NOT NULL,
     scopes TEXT NOT NULL,
     redirect_uri TEXT NOT NULL,
     code_challenge TEXT NOT NULL,
     expires_at INTEGER NOT NULL,
     used_at INTEGER
   );
   CREATE TABLE oauth_tokens (
     id TEXT PRIMARY KEY,
     kind TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
     token_hash TEXT NOT NULL UNIQUE,
     family TEXT NOT NULL,
     client_id TEXT NOT NULL,
     org_id TEXT NOT NULL,
     user_id INTEGER NOT NULL,
     user_email TEXT NOT NULL,
     scopes TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     revoked_at INTEGER,
     used_at INTEGER
   );
   CREATE INDEX oauth_tokens_family ON oauth_tokens (family);`,
];

/** Registered in modules/core.ts so the tables migrate with the rest; it has no /api/v1 routes. */
export const oauthModule: SandboxModule = {
  name: 'oauth',
  migrations: oauthMigrations,
  seed() {},
  routes: [],
};
