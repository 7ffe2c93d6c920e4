/**
 * The AuthStore on PostgreSQL (G8_DATABASE_URL): the same tables, hashes and sealed values as the
 * SQLite store, shared by every replica. Single use (codes, refresh tokens) is one conditional
 * UPDATE: PostgreSQL serialises two at the same row, and the second finds it used.
 */
import type { OAuthClientInformationFull } from '@modelcontextprotocol/server';
import type pg from 'pg';
import type {
  AuthorizationCode,
  AuthStore,
  Consumed,
  Grant,
  PendingAuthorization,
  TokenRecord,
} from '../auth/store.js';
import * as rows from '../auth/store-rows.js';

/** `INSERT INTO table (a, b) VALUES ($1, $2)` for the columns of `row`, and its values. */
export function insertOf(table: string, row: Record<string, unknown>): [string, unknown[]] {
  const columns = Object.keys(row);
  const params = columns.map((_, i) => `$${i + 1}`);
  return [`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${params.join(', ')})`, Object.values(row)];
}

export class PostgresAuthStore implements AuthStore {
  constructor(
    private readonly pool: pg.Pool,
    /** Whether close() ends the pool (false when the pool is shared with other stores). */
    private readonly ownsPool = true,
  ) {}

  async #one<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R | undefined> {
    return (await this.pool.query<R>(sql, params)).rows[0];
  }

  async #insert(table: string, row: Record<string, unknown>): Promise<void> {
    await this.pool.query(...insertOf(table, row));
  }

  async getClient(clientId: string): Promise<OAuthClientInformationFull | undefined> {
    const row = await this.#one<{ info: string }>('SELECT info FROM clients WHERE client_id = $1', [
      clientId,
    ]);
    return row ? (JSON.parse(row.info) as OAuthClientInformationFull) : undefined;
  }

  async saveClient(client: OAuthClientInformationFull, now: number): Promise<void> {
    await this.pool.query(
      'INSERT INTO clients (client_id, info, created_at) VALUES ($1, $2, $3) ON CONFLICT (client_id) DO UPDATE SET info = excluded.info',
      [client.client_id, JSON.stringify(client), now],
    );
  }

  async putPending(p: PendingAuthorization): Promise<void> {
    await this.#insert('pending', rows.pendingInsert(p));
  }

  async getPending(idHash: string): Promise<PendingAuthorization | undefined> {
    const row = await this.#one<rows.PendingRow>('SELECT * FROM pending WHERE id_hash = $1', [idHash]);
    return row ? rows.pendingFrom(row) : undefined;
  }

  async getPendingByUpstreamState(hash: string): Promise<PendingAuthorization | undefined> {
    const row = await this.#one<rows.PendingRow>('SELECT * FROM pending WHERE upstream_state_hash = $1', [
      hash,
    ]);
    return row ? rows.pendingFrom(row) : undefined;
  }

  async setPendingUpstream(idHash: string, stateHash: string, verifierSealed: string): Promise<void> {
    await this.pool.query(
      'UPDATE pending SET upstream_state_hash = $1, upstream_verifier = $2 WHERE id_hash = $3',
      [stateHash, verifierSealed, idHash],
    );
  }

  async deletePending(idHash: string): Promise<void> {
    await this.pool.query('DELETE FROM pending WHERE id_hash = $1', [idHash]);
  }

  async createGrant(g: Grant): Promise<void> {
    await this.#insert('grants', rows.grantInsert(g));
  }

  async getGrant(id: string): Promise<Grant | undefined> {
    const row = await this.#one<rows.GrantRow>('SELECT * FROM grants WHERE id = $1', [id]);
    return row ? rows.grantFrom(row) : undefined;
  }

  async updateGrantCredential(id: string, sealed: string): Promise<void> {
    await this.pool.query('UPDATE grants SET credential = $1 WHERE id = $2', [sealed, id]);
  }

  async revokeGrant(id: string, now: number): Promise<void> {
    // One statement, so the grant and its tokens are revoked together or not at all.
    await this.pool.query(
      `WITH g AS (UPDATE grants SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL)
       UPDATE tokens SET revoked_at = $1 WHERE grant_id = $2 AND revoked_at IS NULL`,
      [now, id],
    );
  }

  async putCode(c: AuthorizationCode): Promise<void> {
    await this.#insert('codes', rows.codeInsert(c));
  }

  async consumeCode(codeHash: string, now: number): Promise<Consumed<AuthorizationCode>> {
    const used = await this.#one<rows.CodeRow>(
      'UPDATE codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL RETURNING *',
      [now, codeHash],
    );
    if (used) return { status: 'ok', record: rows.codeFrom(used) };
    const row = await this.#one<rows.CodeRow>('SELECT * FROM codes WHERE code_hash = $1', [codeHash]);
    return row ? { status: 'replayed', record: rows.codeFrom(row) } : { status: 'missing' };
  }

  async putToken(t: TokenRecord): Promise<void> {
    await this.#insert('tokens', rows.tokenInsert(t));
  }

  async getToken(tokenHash: string): Promise<TokenRecord | undefined> {
    const row = await this.#one<rows.TokenRow>('SELECT * FROM tokens WHERE token_hash = $1', [tokenHash]);
    return row ? rows.tokenFrom(row) : undefined;
  }

  async consumeRefreshToken(tokenHash: string, now: number): Promise<Consumed<TokenRecord>> {
    const used = await this.#one<rows.TokenRow>(
      `UPDATE tokens SET used_at = $1 WHERE token_hash = $2 AND kind = 'refresh' AND used_at IS NULL RETURNING *`,
      [now, tokenHash],
    );
    if (used) return { status: 'ok', record: rows.tokenFrom(used) };
    const row = await this.#one<rows.TokenRow>(
      `SELECT * FROM tokens WHERE token_hash = $1 AND kind = 'refresh'`,
      [tokenHash],
    );
    return row ? { status: 'replayed', record: rows.tokenFrom(row) } : { status: 'missing' };
  }

  async revokeToken(tokenHash: string, now: number): Promise<void> {
    await this.pool.query('UPDATE tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL', [
      now,
      tokenHash,
    ]);
  }

  async sweep(now: number): Promise<void> {
    // As in SQLite: used codes and rotated refresh tokens stay until expiry, so a replay is seen as one.
    await this.pool.query(
      `WITH p AS (DELETE FROM pending WHERE expires_at < $1), c AS (DELETE FROM codes WHERE expires_at < $1)
       DELETE FROM tokens WHERE expires_at < $1`,
      [now],
    );
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.ownsPool && !this.pool.ended) await this.pool.end();
  }
}
