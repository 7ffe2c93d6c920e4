/**
 * Runs handlers one at a time, each inside one SQLite transaction. better-sqlite3 has a single
 * connection and handlers may be async, so without the queue two handlers could interleave inside
 * one BEGIN…COMMIT. A sandbox has no throughput to lose by this.
 */
import type { Db } from '../module.js';

export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** Commits when `work` resolves; rolls back everything (debits, outbox rows) when it throws. */
export async function inTransaction<T>(db: Db, work: () => T | Promise<T>): Promise<T> {
  db.exec('BEGIN IMMEDIATE');
  try {
    const value = await work();
    db.exec('COMMIT');
    return value;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
