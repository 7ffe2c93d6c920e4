/**
 * `g8-mcp-server migrate-state [--data-dir .data]`: copies one machine's OAuth state (registered
 * clients, grants, live tokens) from its SQLite file into the PostgreSQL of G8_DATABASE_URL, so a
 * deployment that moves to replicas keeps its users signed in. Safe to run again: rows already
 * there are left alone. Pending consent requests and authorization codes live minutes and are not
 * copied (a sign-in under way is simply started again).
 *
 * Upstream credentials are re-sealed with G8_MCP_SECRET, which every replica shares: the single
 * machine may have sealed them with the secret it generated into its data directory.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SealError, Sealer } from '../auth/crypto.js';
import { loadSecretRing, loadServerSecret } from '../auth/secret.js';
import { AUTH_MIGRATIONS } from '../auth/sqlite-store.js';
import type { GrantRow } from '../auth/store-rows.js';
import type { Config } from '../config/load.js';
import { StartupError } from '../platform/errors.js';
import { insertOf } from './pg-auth-store.js';
import { inTransaction } from './pg-transaction.js';
import { openPostgres } from './postgres.js';
import { openSqlite, type SqliteDb, StoreUnavailableError } from './sqlite.js';

export class MigrateStateError extends StartupError {}

export interface MigrateReport {
  /** Rows copied now, per table (rows already in PostgreSQL are not counted). */
  readonly clients: number;
  readonly grants: number;
  readonly tokens: number;
}

function reseal(grant: GrantRow, from: Sealer, to: Sealer): string {
  const owner = `grant:${grant.id}`;
  try {
    return to.seal(from.open(grant.credential, owner), owner);
  } catch (error) {
    if (!(error instanceof SealError)) throw error;
    throw new MigrateStateError(
      `grant ${grant.id} cannot be opened with the data directory's secret, G8_MCP_SECRET nor G8_MCP_SECRET_PREVIOUS; run this with G8_DATA_DIR (or --data-dir) and the secrets as the single machine had them. Nothing was copied.`,
    );
  }
}

export async function migrateState(
  config: Config,
  logger: { warn(obj: object, msg: string): void },
): Promise<MigrateReport> {
  if (!config.databaseUrl)
    throw new MigrateStateError('G8_DATABASE_URL is not set: where should the state go?');
  if (!config.mcpSecret) {
    throw new MigrateStateError(
      'G8_MCP_SECRET is not set: the replicas need one shared secret, and the copied credentials are sealed with it.',
    );
  }
  const file = join(config.dataDir, 'oauth.db');
  if (!existsSync(file)) throw new MigrateStateError(`${file} does not exist: there is no state to copy.`);
  const target = new Sealer(loadServerSecret(config.dataDir, config.mcpSecret));
  // The whole ring opens: G8_MCP_SECRET, G8_MCP_SECRET_PREVIOUS, and the data directory's own secret.
  const sources = new Sealer(loadSecretRing(config.dataDir, config.mcpSecret, config.mcpSecretPrevious));
  // Opened as the server opens it, so a file of an older release is brought up to date first.
  // A server still running on the directory holds the file: it is named, and must stop first
  // (sign-ins it took after the copy would not reach PostgreSQL anyway).
  let db: SqliteDb;
  try {
    db = await openSqlite(config.dataDir, 'oauth.db', 'OAuth grants', AUTH_MIGRATIONS);
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw new MigrateStateError(error.message);
    throw error;
  }
  const now = Date.now();
  let clients: Record<string, unknown>[];
  let grants: GrantRow[];
  let tokens: Record<string, unknown>[];
  try {
    clients = db.prepare<Record<string, unknown>>('SELECT * FROM clients').all();
    grants = db
      .prepare<GrantRow>('SELECT * FROM grants')
      .all()
      .map((g) => ({
        ...g,
        credential: g.revoked_at === null ? reseal(g, sources, target) : g.credential,
      }));
    tokens = db.prepare<Record<string, unknown>>('SELECT * FROM tokens WHERE expires_at > ?').all(now);
  } finally {
    db.close();
  }
  const pool = await openPostgres({ url: config.databaseUrl, logger, max: 1 });
  try {
    return await inTransaction(pool, async (client) => {
      const copy = async (table: string, rows: Record<string, unknown>[]) => {
        let copied = 0;
        for (const row of rows) {
          const [sql, values] = insertOf(table, row);
          copied += (await client.query(`${sql} ON CONFLICT DO NOTHING`, values)).rowCount ?? 0;
        }
        return copied;
      };
      return {
        clients: await copy('clients', clients),
        grants: await copy('grants', grants as unknown as Record<string, unknown>[]),
        tokens: await copy('tokens', tokens),
      };
    });
  } finally {
    await pool.end();
  }
}
