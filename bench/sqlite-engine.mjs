/**
 * The embedded SQLite engine against the one it replaced: node-sqlite3-wasm (through the stores'
 * own wrapper, src/stores/sqlite.ts, as remote mode runs it: rollback journal, full sync) beside
 * better-sqlite3 as 0.1.0 ran it (WAL, synchronous=NORMAL). Same schema (oauth.db as migrated
 * now, expiry indexes included), same SQL.
 *
 *   npx tsc -p tsconfig.json && node bench/sqlite-engine.mjs
 *
 * Figures: engine load (once per process), open (first open of a new file, schema made; then reopen of an existing one), token
 * writes per second (one committed INSERT each, as a sign-in or refresh writes), and a token check
 * (token by hash, then its grant: what every authenticated /mcp request reads), median of 5 rounds.
 * better-sqlite3 is needed only here; it is skipped with a note when it is not installed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTH_MIGRATIONS } from '../dist/src/auth/sqlite-store.js';
import { EXPIRY_INDEXES, oauthTables } from '../dist/src/auth/store-rows.js';
import { openSqlite } from '../dist/src/stores/sqlite.js';

const WRITES = 500;
const CHECKS = 20_000;
const ROUNDS = 5;
const require = createRequire(import.meta.url);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

// Loading the engine, once per process: the module and its WebAssembly compile, or the native addon.
let t = process.hrtime.bigint();
await import('node-sqlite3-wasm');
const wasmLoad = ms(t);

const wasm = {
  name: 'node-sqlite3-wasm (now)',
  load: wasmLoad,
  open: (dir) => openSqlite(dir, 'oauth.db', 'OAuth grants', AUTH_MIGRATIONS),
};

// The same engine with SQLite's default locking and journal, as the stores do not run it: a lock
// directory made and removed around every statement. Fewer iterations: it is that much slower.
const { Database: Wasm } = (await import('node-sqlite3-wasm')).default;
const defaultLocking = {
  name: 'node-sqlite3-wasm, default locking (not used)',
  load: wasmLoad,
  scale: 20,
  open: async (dir) => {
    const db = new Wasm(join(dir, 'oauth.db'));
    db.exec(schema());
    const statements = [];
    return {
      prepare(sql) {
        const stmt = db.prepare(sql);
        statements.push(stmt);
        const named = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [`@${k}`, v]));
        return {
          run: (o) => stmt.run(o === undefined ? undefined : named(o)),
          get: (v) => stmt.all(v)[0], // read to the end, so the statement lets its lock go
        };
      },
      close() {
        for (const stmt of statements) stmt.finalize();
        db.close();
      },
    };
  },
};

/** The schema AUTH_MIGRATIONS makes, with IF NOT EXISTS for the reopen. */
function schema() {
  return oauthTables('INTEGER') + EXPIRY_INDEXES.replaceAll('INDEX', 'INDEX IF NOT EXISTS');
}

let better;
try {
  t = process.hrtime.bigint();
  const Database = require('better-sqlite3');
  new Database(':memory:').close();
  better = {
    name: 'better-sqlite3 (0.1.0)',
    load: ms(t),
    open: async (dir) => {
      const db = new Database(join(dir, 'oauth.db'));
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = NORMAL');
      db.exec(schema());
      return db;
    },
  };
} catch {
  console.log('better-sqlite3 is not installed: only node-sqlite3-wasm is measured.');
}

function tokenRow(i) {
  return {
    token_hash: String(i).padStart(64, '0'),
    kind: 'access',
    grant_id: 'g1',
    client_id: 'c1',
    scopes: '["contacts:read"]',
    resource: 'http://127.0.0.1/mcp',
    expires_at: Date.now() + 3_600_000,
  };
}

async function round(engine) {
  const writes = WRITES / (engine.scale ?? 1);
  const checks = CHECKS / (engine.scale ?? 1);
  const dir = mkdtempSync(join(tmpdir(), 'g8-sqlite-bench-'));
  try {
    let t0 = process.hrtime.bigint();
    let db = await engine.open(dir);
    const openNew = ms(t0);
    db.close();
    t0 = process.hrtime.bigint();
    db = await engine.open(dir);
    const reopen = ms(t0);
    db.prepare(
      `INSERT INTO grants (id, client_id, scopes, resource, credential_kind, credential, subject, created_at)
       VALUES ('g1', 'c1', '[]', 'r', 'api_key', 'v1:x', 's', 0)`,
    ).run();
    const insert = db.prepare(
      `INSERT INTO tokens (token_hash, kind, grant_id, client_id, scopes, resource, expires_at)
       VALUES (@token_hash, @kind, @grant_id, @client_id, @scopes, @resource, @expires_at)`,
    );
    t0 = process.hrtime.bigint();
    for (let i = 0; i < writes; i++) insert.run(tokenRow(i));
    const writesPerSec = writes / (ms(t0) / 1000);
    const token = db.prepare('SELECT * FROM tokens WHERE token_hash = ?');
    const grant = db.prepare('SELECT * FROM grants WHERE id = ?');
    t0 = process.hrtime.bigint();
    for (let i = 0; i < checks; i++) {
      const t = token.get(tokenRow(i % writes).token_hash);
      if (!t || !grant.get(t.grant_id)) throw new Error('token check found nothing');
    }
    const checkUs = (ms(t0) * 1000) / checks;
    db.close();
    return { openNew, reopen, writesPerSec, checkUs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows = [];
for (const engine of [wasm, defaultLocking, better].filter(Boolean)) {
  const runs = [];
  for (let r = 0; r < ROUNDS; r++) runs.push(await round(engine));
  rows.push({
    engine: engine.name,
    'engine load (ms)': engine.load.toFixed(1),
    'open new (ms)': median(runs.map((r) => r.openNew)).toFixed(1),
    'reopen (ms)': median(runs.map((r) => r.reopen)).toFixed(1),
    'token writes/s': Math.round(median(runs.map((r) => r.writesPerSec))),
    'token check (µs)': median(runs.map((r) => r.checkUs)).toFixed(1),
  });
}
console.table(rows);
