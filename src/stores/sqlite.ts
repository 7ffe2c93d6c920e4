/**
 * Opening one of remote mode's embedded SQLite files in the data directory. better-sqlite3 is an
 * optional dependency, loaded on first use only, so stdio mode never needs it.
 */
import { chmodSync, closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { ensureDataDir } from '../auth/secret.js';

export class StoreUnavailableError extends Error {}

export async function loadDriver(purpose: string): Promise<typeof Database> {
  try {
    return (await import('better-sqlite3')).default;
  } catch (error) {
    throw new StoreUnavailableError(
      `remote mode keeps its ${purpose} in SQLite, but better-sqlite3 could not be loaded (${
        (error as Error).message.split('\n')[0]
      }). Install it with: npm install better-sqlite3`,
    );
  }
}

/** Opens (creating if needed) `<dataDir>/<file>`, or an in-memory database for `':memory:'`. */
export async function openSqlite(
  dataDir: string | ':memory:',
  file: string,
  purpose: string,
): Promise<Database.Database> {
  const Driver = await loadDriver(purpose);
  const path = dataDir === ':memory:' ? ':memory:' : join(ensureDataDir(dataDir), file);
  if (path !== ':memory:') {
    // Owner-only before SQLite opens it: its -wal and -shm files copy these permissions.
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
  }
  const db = new Driver(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  return db;
}
