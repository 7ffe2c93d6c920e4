/**
 * Opening the database and applying module migrations. Each module's migrations run once, in
 * order, each inside its own transaction together with the row that records it, so a crash
 * mid-migration leaves the file at the previous consistent step.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Db, SandboxModule } from './module.js';

export function openDb(dbPath: string): Db {
  if (dbPath !== ':memory:') mkdirSync(dirname(dbPath), { recursive: true });
  const db = new Database(dbPath);
  // WAL lets the read-only UI and a second process read while the server writes; a no-op (the
  // pragma answers "memory") for ':memory:' databases.
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  return db;
}

type Migratable = Pick<SandboxModule, 'name' | 'migrations'>;

export function migrate(db: Db, modules: readonly Migratable[], now: () => number = Date.now): void {
  db.exec(`CREATE TABLE IF NOT EXISTS migrations (
    module TEXT NOT NULL,
    idx INTEGER NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (module, idx)
  )`);
  const applied = db.prepare<[string, number], { idx: number }>(
    'SELECT idx FROM migrations WHERE module = ? AND idx = ?',
  );
  const record = db.prepare('INSERT INTO migrations (module, idx, applied_at) VALUES (?, ?, ?)');
  for (const mod of modules) {
    mod.migrations.forEach((sql, idx) => {
      if (applied.get(mod.name, idx)) return;
      db.transaction(() => {
        db.exec(sql);
        record.run(mod.name, idx, new Date(now()).toISOString());
      })();
    });
  }
}
