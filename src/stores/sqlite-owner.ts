/**
 * Who holds an embedded SQLite file. The engine (node-sqlite3-wasm) locks a file by creating a
 * `<file>.lock` directory, and remote mode keeps that lock for as long as it runs (exclusive
 * locking, see sqlite.ts). A process that is killed, or exits without closing, leaves the
 * directory behind, and nothing could open the file again. So beside the lock the holder writes
 * `<file>.owner` (pid, host, and the process's start time where the OS tells it) and touches it
 * every few seconds, and an opener that finds a lock asks: is its holder still alive?
 * - on this host: does that pid still run, and is it the same process (start time)? Exact and
 *   immediate, so a restart after a crash starts at once;
 * - on another host (a data directory on a network volume, a container re-created with a new
 *   hostname): has the owner file been touched lately?
 * A dead holder's lock is removed; a live one's is refused with a message that names it.
 */
import { readFileSync, rmdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

interface Owner {
  readonly pid: number;
  readonly host: string;
  /** Linux: the process's start time in clock ticks since boot (/proc/<pid>/stat), so a pid the
   * OS gave to a new process (a restarted container's pid 1) is not taken for the old holder. */
  readonly start: string | null;
}

/** A lock with no owner file is stale once older than this: the owner is written right after. */
const ORPHAN_LOCK_MS = 5_000;
/** The holder touches its owner file this often; one untouched for 6 beats is taken as dead. */
const HEARTBEAT_MS = 5_000;
const SILENT_MS = 6 * HEARTBEAT_MS;

const heartbeats = new Map<string, NodeJS.Timeout>();

/** Linux: the fields of /proc/<pid>/stat after the command name (field 3 on), or null. */
function procStat(pid: number): string[] | null {
  try {
    // The command name (field 2) may hold spaces, so count from after its ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** Field 22: the start time in clock ticks since boot. */
function startOf(pid: number): string | null {
  return procStat(pid)?.[19] ?? null;
}

function alive(owner: Owner, touchedAt: number): boolean {
  if (owner.host !== hostname()) return Date.now() - touchedAt < SILENT_MS;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const stat = procStat(owner.pid);
  if (stat === null) return true; // no /proc here: the pid answering is all there is to go on
  // A killed process not yet reaped (a zombie) still answers kill(0), but holds nothing.
  if (stat[0] === 'Z' || stat[0] === 'X') return false;
  return owner.start === null || stat[19] === owner.start;
}

function readOwner(path: string): { owner: Owner; touchedAt: number } | undefined {
  try {
    const file = `${path}.owner`;
    return { owner: JSON.parse(readFileSync(file, 'utf8')) as Owner, touchedAt: statSync(file).mtimeMs };
  } catch {
    return undefined;
  }
}

/**
 * Before opening `path`: removes a lock left by a dead process. Answers the live holder's
 * description when another process holds the file, else undefined (the file is free).
 */
export function clearStaleLock(path: string): string | undefined {
  const lock = `${path}.lock`;
  let lockedAt: number;
  try {
    lockedAt = statSync(lock).mtimeMs;
  } catch {
    return undefined; // no lock
  }
  const held = readOwner(path);
  if (held === undefined ? Date.now() - lockedAt < ORPHAN_LOCK_MS : alive(held.owner, held.touchedAt)) {
    return held ? `process ${held.owner.pid} on ${held.owner.host}` : 'a process starting right now';
  }
  // The dead holder's WAL stays: opening the file replays what it had committed.
  rmdirSync(lock);
  rmSync(`${path}.owner`, { force: true });
  return undefined;
}

/** Records this process as the holder of `path` (called once the lock is ours). */
export function claimOwner(path: string): void {
  const owner: Owner = { pid: process.pid, host: hostname(), start: startOf(process.pid) };
  const file = `${path}.owner`;
  writeFileSync(file, `${JSON.stringify(owner)}\n`, { mode: 0o600 });
  const beat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(file, now, now);
    } catch {
      // Removed under us: the next opener decides by the lock alone.
    }
  }, HEARTBEAT_MS);
  beat.unref(); // never what keeps the process alive
  heartbeats.set(path, beat);
}

export function releaseOwner(path: string): void {
  clearInterval(heartbeats.get(path));
  heartbeats.delete(path);
  rmSync(`${path}.owner`, { force: true });
}
