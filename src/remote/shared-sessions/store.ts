/**
 * 2025-era session records in Redis (record.ts), so owner binding, idle expiry, the per-owner cap
 * and DELETE hold whichever replica a request lands on:
 * - `sess:<id>`: the record, a hash (`record`, `lastSeen`, `logLevel`), its TTL the idle time,
 *   renewed as the session is used; a touch or a level never brings an ended one back;
 * - `sess-owner:<owner>`: the owner's sessions scored by when each was last seen, for the cap.
 * Opening one is one Lua script (write, prune the expired, add, evict the least recently seen over
 * the cap), so two replicas opening sessions for one owner at once never leave it over the cap.
 * Every method rejects when Redis does not answer (the connection's command timeout bounds it): the
 * caller decides what that means (a 503 for a session this replica does not hold).
 */
import type { Redis } from 'ioredis';
import { parseRecord, type SessionRecord } from './record.js';

const OPEN = `
redis.call('HSET', KEYS[1], 'record', ARGV[2], 'lastSeen', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[4]) - tonumber(ARGV[3]))
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[5])
if over <= 0 then return {} end
local evicted = redis.call('ZRANGE', KEYS[2], 0, over - 1)
for _, id in ipairs(evicted) do redis.call('ZREM', KEYS[2], id) end
return evicted
`;

/** Renews a live record, setting a field too if named: KEYS record, owner set; ARGV idle, now, id, field, value. */
const UPDATE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'lastSeen', ARGV[2])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], ARGV[4], ARGV[5]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], 'XX', ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1
`;

export interface SessionStoreOptions {
  readonly idleMs: number;
  readonly maxPerOwner: number;
  readonly now?: () => number;
}

export const recordKey = (id: string) => `sess:${id}`;
/** Which copy holds the client's GET stream (`sess-get:<id>`: its tag). */
const getKey = (id: string) => `sess-get:${id}`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const ownerKey = (owner: string) => `sess-owner:${owner}`;

export class RedisSessionStore {
  readonly #redis: Redis;
  readonly #opts: SessionStoreOptions;
  readonly #now: () => number;

  constructor(redis: Redis, opts: SessionStoreOptions) {
    this.#redis = redis;
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  /** Writes a new session's record; answers the ids of the owner's sessions it pushed over the cap (ended). */
  async open(record: SessionRecord): Promise<string[]> {
    const evicted = (await this.#redis.eval(
      OPEN,
      2,
      recordKey(record.id),
      ownerKey(record.owner),
      record.id,
      JSON.stringify(record),
      this.#opts.idleMs,
      this.#now(),
      this.#opts.maxPerOwner,
    )) as string[];
    if (evicted.length) await this.#redis.del(...evicted.map(recordKey));
    return evicted;
  }

  /** The record, or undefined when it ended, expired, or was never one. */
  async get(id: string): Promise<SessionRecord | undefined> {
    return parseRecord(await this.#redis.hgetall(recordKey(id)), this.#opts.idleMs);
  }

  /** The session was used now: its idle time starts again. */
  async touch(id: string, owner: string): Promise<void> {
    await this.#update(id, owner, '', '');
  }

  /** Keeps the level the client set, so a rebuilt session logs at it too. */
  async setLogLevel(id: string, owner: string, level: string): Promise<void> {
    await this.#update(id, owner, 'logLevel', level);
  }

  async #update(id: string, owner: string, field: string, value: string): Promise<void> {
    const { idleMs } = this.#opts;
    await this.#redis.eval(UPDATE, 2, recordKey(id), ownerKey(owner), idleMs, this.#now(), id, field, value);
  }

  /** Marks the client's GET stream as held by copy `tag` (for `ms`), or no longer (`ms` 0: only if still its). */
  async holdGet(id: string, tag: string, ms: number): Promise<void> {
    if (ms > 0) await this.#redis.set(getKey(id), tag, 'PX', ms);
    else await this.#redis.eval(RELEASE, 1, getKey(id), tag);
  }

  /** The copy holding the client's GET stream, if one does. */
  getHolder(id: string): Promise<string | null> {
    return this.#redis.get(getKey(id));
  }

  /** Ends a session (DELETE): its record is gone for every replica. */
  async end(id: string, owner: string): Promise<void> {
    await this.#redis.multi().del(recordKey(id)).zrem(ownerKey(owner), id).exec();
  }
}
