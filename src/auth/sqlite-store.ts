/**
 * The SQLite AuthStore: one file (`oauth.db`) in the data directory (opened by src/stores/sqlite.ts).
 */
import type { OAuthClientInformationFull } from '@modelcontextprotocol/server';
import { openSqlite, type SqliteDb, type SqliteMigration } from '../stores/sqlite.js';
import type {
  AuthorizationCode,
  AuthStore,
  Consumed,
  Grant,
  PendingAuthorization,
  TokenRecord,
} from './store.js';
import {
  type CodeRow,
  codeFrom,
  codeInsert,
  EXPIRY_INDEXES,
  type GrantRow,
  grantFrom,
  grantInsert,
  oauthTables,
  type PendingRow,
  pendingFrom,
  pendingInsert,
  type TokenRow,
  tokenFrom,
  tokenInsert,
} from './store-rows.js';

/**
 * oauth.db's schema steps (`PRAGMA user_version`). Step 1 is the schema 0.1.0 made without a
 * version, written with IF NOT EXISTS so a 0.1.0 file takes it as a no-op and is then numbered.
 * Append steps; never edit one that has shipped.
 */
export const AUTH_MIGRATIONS: readonly SqliteMigration[] = [
  { version: 1, name: 'oauth store', sql: oauthTables('INTEGER') },
  {
    version: 2,
    name: 'expiry indexes for the sweep',
    sql: EXPIRY_INDEXES,
  },
];

/** Opens (creating if needed) `<dataDir>/oauth.db`, or an in-memory database for `':memory:'`. */
export async function openSqliteAuthStore(dataDir: string | ':memory:'): Promise<AuthStore> {
  const db = await openSqlite(dataDir, 'oauth.db', 'OAuth grants', AUTH_MIGRATIONS);
  return new SqliteAuthStore(db);
}

class SqliteAuthStore implements AuthStore {
  readonly #db: SqliteDb;
  readonly #q;

  constructor(db: SqliteDb) {
    this.#db = db;
    this.#q = {
      getClient: db.prepare<{ info: string }>('SELECT info FROM clients WHERE client_id = ?'),
      saveClient: db.prepare(
        'INSERT INTO clients (client_id, info, created_at) VALUES (?, ?, ?) ON CONFLICT (client_id) DO UPDATE SET info = excluded.info',
      ),
      putPending: db.prepare(
        `INSERT INTO pending (id_hash, browser_hash, csrf_hash, data, expires_at)
         VALUES (@id_hash, @browser_hash, @csrf_hash, @data, @expires_at)`,
      ),
      getPending: db.prepare<PendingRow>('SELECT * FROM pending WHERE id_hash = ?'),
      getPendingByState: db.prepare<PendingRow>('SELECT * FROM pending WHERE upstream_state_hash = ?'),
      setUpstream: db.prepare(
        'UPDATE pending SET upstream_state_hash = ?, upstream_verifier = ? WHERE id_hash = ?',
      ),
      deletePending: db.prepare('DELETE FROM pending WHERE id_hash = ?'),
      createGrant: db.prepare(
        `INSERT INTO grants (id, client_id, scopes, resource, credential_kind, credential, subject, created_at, revoked_at)
         VALUES (@id, @client_id, @scopes, @resource, @credential_kind, @credential, @subject, @created_at, NULL)`,
      ),
      getGrant: db.prepare<GrantRow>('SELECT * FROM grants WHERE id = ?'),
      updateCredential: db.prepare('UPDATE grants SET credential = ? WHERE id = ?'),
      revokeGrant: db.prepare('UPDATE grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      revokeGrantTokens: db.prepare(
        'UPDATE tokens SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL',
      ),
      putCode: db.prepare(
        `INSERT INTO codes (code_hash, grant_id, client_id, redirect_uri, code_challenge, resource, scopes, expires_at)
         VALUES (@code_hash, @grant_id, @client_id, @redirect_uri, @code_challenge, @resource, @scopes, @expires_at)`,
      ),
      getCode: db.prepare<CodeRow>('SELECT * FROM codes WHERE code_hash = ?'),
      useCode: db.prepare('UPDATE codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL'),
      putToken: db.prepare(
        `INSERT INTO tokens (token_hash, kind, grant_id, client_id, scopes, resource, expires_at)
         VALUES (@token_hash, @kind, @grant_id, @client_id, @scopes, @resource, @expires_at)`,
      ),
      getToken: db.prepare<TokenRow>('SELECT * FROM tokens WHERE token_hash = ?'),
      useToken: db.prepare('UPDATE tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL'),
      revokeToken: db.prepare('UPDATE tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL'),
    };
  }

  async getClient(clientId: string): Promise<OAuthClientInformationFull | undefined> {
    const row = this.#q.getClient.get(clientId);
    return row ? (JSON.parse(row.info) as OAuthClientInformationFull) : undefined;
  }

  async saveClient(client: OAuthClientInformationFull, now: number): Promise<void> {
    this.#q.saveClient.run(client.client_id, JSON.stringify(client), now);
  }

  async putPending(p: PendingAuthorization): Promise<void> {
    this.#q.putPending.run(pendingInsert(p));
  }

  async getPending(idHash: string): Promise<PendingAuthorization | undefined> {
    const row = this.#q.getPending.get(idHash);
    return row ? pendingFrom(row) : undefined;
  }

  async getPendingByUpstreamState(hash: string): Promise<PendingAuthorization | undefined> {
    const row = this.#q.getPendingByState.get(hash);
    return row ? pendingFrom(row) : undefined;
  }

  async setPendingUpstream(idHash: string, stateHash: string, verifierSealed: string): Promise<void> {
    this.#q.setUpstream.run(stateHash, verifierSealed, idHash);
  }

  async deletePending(idHash: string): Promise<void> {
    this.#q.deletePending.run(idHash);
  }

  async createGrant(g: Grant): Promise<void> {
    this.#q.createGrant.run(grantInsert(g));
  }

  async getGrant(id: string): Promise<Grant | undefined> {
    const row = this.#q.getGrant.get(id);
    return row ? grantFrom(row) : undefined;
  }

  async updateGrantCredential(id: string, sealed: string): Promise<void> {
    this.#q.updateCredential.run(sealed, id);
  }

  async revokeGrant(id: string, now: number): Promise<void> {
    this.#db.transaction(() => {
      this.#q.revokeGrant.run(now, id);
      this.#q.revokeGrantTokens.run(now, id);
    });
  }

  async putCode(c: AuthorizationCode): Promise<void> {
    this.#q.putCode.run(codeInsert(c));
  }

  async consumeCode(codeHash: string, now: number): Promise<Consumed<AuthorizationCode>> {
    return this.#db.transaction((): Consumed<AuthorizationCode> => {
      const row = this.#q.getCode.get(codeHash);
      if (!row) return { status: 'missing' };
      const changed = this.#q.useCode.run(now, codeHash).changes;
      return { status: changed === 1 ? 'ok' : 'replayed', record: codeFrom(row) };
    });
  }

  async putToken(t: TokenRecord): Promise<void> {
    this.#q.putToken.run(tokenInsert(t));
  }

  async getToken(tokenHash: string): Promise<TokenRecord | undefined> {
    const row = this.#q.getToken.get(tokenHash);
    return row ? tokenFrom(row) : undefined;
  }

  async consumeRefreshToken(tokenHash: string, now: number): Promise<Consumed<TokenRecord>> {
    return this.#db.transaction((): Consumed<TokenRecord> => {
      const row = this.#q.getToken.get(tokenHash);
      if (row?.kind !== 'refresh') return { status: 'missing' };
      const changed = this.#q.useToken.run(now, tokenHash).changes;
      return { status: changed === 1 ? 'ok' : 'replayed', record: tokenFrom(row) };
    });
  }

  async revokeToken(tokenHash: string, now: number): Promise<void> {
    this.#q.revokeToken.run(now, tokenHash);
  }

  async sweep(now: number): Promise<void> {
    // Used codes are kept until they expire so a replay is recognised as one, not as unknown.
    // Revoked or rotated refresh tokens stay until expiry for the same reason.
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM pending WHERE expires_at < ?').run(now);
      this.#db.prepare('DELETE FROM codes WHERE expires_at < ?').run(now);
      this.#db.prepare('DELETE FROM tokens WHERE expires_at < ?').run(now);
    });
  }

  async ping(): Promise<void> {
    this.#db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
