/**
 * Remote mode's embedded SQLite: opening one file of the data directory (oauth.db, tasks.db,
 * audit.db), bringing its schema up to date, and the small synchronous API the stores use.
 *
 * The engine is node-sqlite3-wasm: SQLite compiled to WebAssembly, with a VFS that reads and
 * writes the real file through node:fs. It was chosen over better-sqlite3 because the published
 * package must start remote mode after `npm install` on a machine with no compiler and no access
 * to prebuilt-binary downloads, which a native module cannot promise; and over sql.js and
 * @sqlite.org/sqlite-wasm because on Node those keep the database in memory (nothing reaches the
 * file until an explicit export). Loaded on first use only, so stdio mode never compiles it.
 *
 * Its VFS has no shared memory and locks a file with a `<file>.lock` directory, made and removed
 * around every statement in SQLite's default locking (bench/sqlite-engine.mjs: 0.5-1.7 ms per token
 * check, under 1,100 commits/s). So each file is opened with `locking_mode = EXCLUSIVE`: the lock
 * is taken once and kept, which also lets WAL work without shared memory, and with
 * `synchronous = NORMAL` (as 0.1.0 ran better-sqlite3) a commit is a WAL append: 15-26 µs per
 * check, 5,600-13,100 commits/s, within 2-4x of 0.1.0's better-sqlite3 (README "Performance").
 * What it costs: one process per data directory. A second process is refused with a clear
 * message (replicas use PostgreSQL), servers within one process share the connection, and a lock
 * left by a dead process is cleared (sqlite-owner.ts).
 */
import { chmodSync, closeSync, openSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Database as WasmDatabase, Statement as WasmStatement } from 'node-sqlite3-wasm';
import { ensureDataDir } from '../auth/secret.js';
import { StartupError } from '../platform/errors.js';
import { claimOwner, clearStaleLock, releaseOwner } from './sqlite-owner.js';

export class StoreUnavailableError extends StartupError {}

export type SqlValue = string | number | bigint | boolean | null;
/** Positional values, or one object of named values (`@name` in the SQL, `name` in the object). */
export type Bind = SqlValue | undefined | Readonly<Record<string, SqlValue | undefined>>;

export interface Statement<R> {
  run(...params: Bind[]): { changes: number };
  get(...params: Bind[]): R | undefined;
  all(...params: Bind[]): R[];
}

/** One numbered schema step; a file's `PRAGMA user_version` says which it has. */
export interface SqliteMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

function values(params: readonly Bind[]) {
  const [first] = params;
  if (params.length === 1 && first !== null && typeof first === 'object') {
    // better-sqlite3 took names without their prefix; this engine wants the prefix in the key.
    return Object.fromEntries(Object.entries(first).map(([k, v]) => [`@${k}`, v ?? null]));
  }
  return params.map((v) => (v === undefined ? null : (v as SqlValue)));
}

/** One open file: the engine's connection and its prepared statements, shared in this process. */
interface Connection {
  readonly path: string;
  readonly db: WasmDatabase;
  readonly statements: Map<string, WasmStatement>;
  refs: number;
}

/** Files open in this process, by absolute path: a second server here shares the connection. */
const OPEN = new Map<string, Connection>();

function release(conn: Connection): void {
  conn.refs -= 1;
  if (conn.refs > 0) return;
  OPEN.delete(conn.path);
  for (const stmt of conn.statements.values()) stmt.finalize();
  conn.statements.clear();
  conn.db.close(); // checkpoints the WAL into the file and lets the lock go
  if (conn.path !== ':memory:') releaseOwner(conn.path);
}

/** A store's handle on one file: prepared statements kept until close, and transactions. */
export class SqliteDb {
  readonly #conn: Connection;
  #closed = false;

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  get open(): boolean {
    return !this.#closed && this.#conn.db.isOpen;
  }

  exec(sql: string): void {
    this.#conn.db.exec(sql);
  }

  /** Prepared once per SQL text and finalized at close (this engine does not collect them). */
  prepare<R = Record<string, SqlValue>>(sql: string): Statement<R> {
    let stmt = this.#conn.statements.get(sql);
    if (!stmt) {
      stmt = this.#conn.db.prepare(sql);
      this.#conn.statements.set(sql, stmt);
    }
    const s = stmt;
    return {
      run: (...p) => ({ changes: s.run(values(p)).changes }),
      // The engine's own get() stops at the first row and leaves the statement running; reading
      // to the end ends its read transaction, as better-sqlite3's get() did.
      get: (...p) => s.all(values(p))[0] as R | undefined,
      all: (...p) => s.all(values(p)) as R[],
    };
  }

  pragma(text: string): unknown {
    const [row] = this.#conn.db.all(`PRAGMA ${text}`);
    return row ? Object.values(row)[0] : undefined;
  }

  /** Runs `fn` in one write transaction: all of it is committed, or none of it. */
  transaction<T>(fn: () => T): T {
    const db = this.#conn.db;
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      db.exec('COMMIT');
      return result;
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    release(this.#conn);
  }
}

async function loadEngine(purpose: string): Promise<typeof WasmDatabase> {
  try {
    // CommonJS: Node hands its exports over as the default.
    const engine = (await import('node-sqlite3-wasm')) as unknown as {
      default: { Database: typeof WasmDatabase };
    };
    return engine.default.Database;
  } catch (error) {
    throw new StoreUnavailableError(
      `remote mode keeps its ${purpose} in SQLite, but node-sqlite3-wasm could not be loaded (${
        (error as Error).message.split('\n')[0]
      }). Reinstall g8-mcp-server, or run: npm install node-sqlite3-wasm`,
    );
  }
}

function migrate(db: SqliteDb, file: string, steps: readonly SqliteMigration[]): void {
  const latest = steps.at(-1)?.version ?? 0;
  const current = Number(db.pragma('user_version'));
  if (current > latest) {
    throw new StoreUnavailableError(
      `${file} was written by a newer g8-mcp-server (schema ${current}, this one knows up to ${latest}); run that release or a newer one, or set G8_DATA_DIR to another directory.`,
    );
  }
  let at = current;
  for (const step of steps) {
    if (step.version <= at) continue;
    try {
      // The step and its number commit together, so a failed step leaves the file as it was.
      db.transaction(() => {
        db.exec(step.sql);
        db.exec(`PRAGMA user_version = ${step.version}`);
      });
    } catch (error) {
      throw new StoreUnavailableError(
        `${file}: schema step ${step.version} (${step.name}) failed (${(error as Error).message}); the file stays at schema ${at}.`,
      );
    }
    at = step.version;
  }
}

function inUse(path: string, holder: string): StoreUnavailableError {
  return new StoreUnavailableError(
    `${path} is in use by ${holder}; remote mode runs one process per data directory. Stop that process, or give this one its own G8_DATA_DIR (replicas share G8_DATABASE_URL instead).`,
  );
}

/** Opens the engine on `path` with the settings above, taking the file's lock for this process. */
function connect(Engine: typeof WasmDatabase, path: string): Connection {
  if (path !== ':memory:') {
    const holder = clearStaleLock(path);
    if (holder) throw inUse(path, holder);
    // Owner-only before SQLite opens it: its WAL copies these permissions.
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
  }
  const db = new Engine(path);
  try {
    // Exclusive first: a WAL file (0.1.0 left its files in WAL mode) opens without shared
    // memory only under an exclusive lock. The first read below takes the lock.
    db.all('PRAGMA locking_mode = EXCLUSIVE');
    db.all('PRAGMA journal_mode = WAL');
    db.all('PRAGMA synchronous = NORMAL');
  } catch (error) {
    db.close();
    if (/locked|busy/i.test((error as Error).message)) throw inUse(path, 'another process');
    throw error;
  }
  if (path !== ':memory:') {
    try {
      claimOwner(path);
    } catch (error) {
      db.close();
      throw error;
    }
  }
  return { path, db, statements: new Map(), refs: 0 };
}

/**
 * Opens (creating if needed) `<dataDir>/<file>`, or an in-memory database for `':memory:'`, and
 * brings its schema up to the last of `migrations`.
 */
export async function openSqlite(
  dataDir: string | ':memory:',
  file: string,
  purpose: string,
  migrations: readonly SqliteMigration[],
): Promise<SqliteDb> {
  const Engine = await loadEngine(purpose);
  // The real path: two spellings of one directory (a symlink) still share one connection.
  const path = dataDir === ':memory:' ? ':memory:' : join(realpathSync(ensureDataDir(dataDir)), file);
  let conn = path === ':memory:' ? undefined : OPEN.get(path);
  try {
    if (!conn) {
      conn = connect(Engine, path);
      if (path !== ':memory:') OPEN.set(path, conn);
    }
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw error;
    throw new StoreUnavailableError(
      `${path} could not be opened as the ${purpose} database (${(error as Error).message}); move it aside to start afresh.`,
    );
  }
  conn.refs += 1;
  const db = new SqliteDb(conn);
  try {
    migrate(db, file, migrations);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
