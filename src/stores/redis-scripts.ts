/**
 * The Lua scripts behind the shared budgets. A script runs atomically in Redis, so replicas that
 * count against one budget at the same moment never both see room for one request. Times are
 * Redis's own clock (TIME), so replicas whose clocks differ still share one window.
 */
import type { Redis } from 'ioredis';

const NOW = `local t = redis.call('TIME'); local now = t[1] * 1000 + math.floor(t[2] / 1000)`;

/** Fixed window: KEYS[1] counter, ARGV[1] window ms, ARGV[2] amount → {count, ms until reset}. */
const WINDOW_ADD = `
local n = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

/**
 * The pacer's cooldown pools (src/api/pacer.ts), shared: a permit is a member of each window's
 * sorted set, scored with the time it frees. Taking one scores it `now + hold` (in flight; `hold`
 * bounds a replica that dies holding it); releasing rescores it `now + period`. KEYS: second and
 * minute sets. ARGV: limit/s, limit/min, hold ms, permit id → 0 when taken, else ms to wait.
 */
const PACE_TAKE = `
${NOW}
local limits = {tonumber(ARGV[1]), tonumber(ARGV[2])}
local wait = 0
for i = 1, 2 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  if redis.call('ZCARD', KEYS[i]) >= limits[i] then
    local first = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
    wait = math.max(wait, tonumber(first[2]) - now)
  end
end
if wait > 0 then return wait end
local hold = now + tonumber(ARGV[3])
for i = 1, 2 do
  redis.call('ZADD', KEYS[i], hold, ARGV[4])
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[3]) + 61000)
end
return 0`;

/** KEYS: second and minute sets. ARGV: permit id, second period ms, minute period ms. */
const PACE_RELEASE = `
${NOW}
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZADD', KEYS[2], 'XX', now + tonumber(ARGV[3]), ARGV[1])
return 1`;

/**
 * The per-principal token bucket (src/ops/limits.ts), shared: KEYS[1] a hash {tokens, at}. ARGV:
 * burst, tokens per ms, key lifetime ms, tokens wanted → {tokens taken, ms until one is back}. It
 * takes the tokens wanted only while at least half the burst would stay after (a lease: the caller
 * spends them without asking again), else one; none when not even one is there. A refusal changes
 * nothing, as in the local bucket.
 */
const BUCKET_TAKE = `
${NOW}
local burst = tonumber(ARGV[1])
local per = tonumber(ARGV[2])
local want = tonumber(ARGV[4])
local held = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(held[1]) or burst
local at = tonumber(held[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * per)
if tokens < 1 then return {0, math.max(1, math.ceil((1 - tokens) / per))} end
local take = 1
if want > 1 and tokens - want >= burst / 2 then take = want end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - take), 'at', now)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {take, 0}`;

/** Deletes a lock only if this holder still has it. KEYS[1] lock, ARGV[1] holder's token. */
const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export interface Scripts {
  windowAdd(key: string, windowMs: number, amount: number): Promise<[number, number]>;
  paceTake(
    second: string,
    minute: string,
    perSecond: number,
    perMinute: number,
    holdMs: number,
    id: string,
  ): Promise<number>;
  paceRelease(second: string, minute: string, id: string, secondMs: number, minuteMs: number): Promise<void>;
  unlock(key: string, token: string): Promise<void>;
  bucketTake(
    key: string,
    burst: number,
    perMs: number,
    lifetimeMs: number,
    want: number,
  ): Promise<{ taken: number; waitMs: number }>;
}

type Command = (...args: (string | number)[]) => Promise<unknown>;

/** The scripts, loaded once per connection (EVALSHA, ioredis's defineCommand). */
export function scripts(redis: Redis): Scripts {
  const define = (name: string, keys: number, lua: string): Command => {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: keys, lua });
    return (redis as unknown as Record<string, Command>)[name]!.bind(redis);
  };
  const windowAdd = define('g8WindowAdd', 1, WINDOW_ADD);
  const paceTake = define('g8PaceTake', 2, PACE_TAKE);
  const paceRelease = define('g8PaceRelease', 2, PACE_RELEASE);
  const unlock = define('g8Unlock', 1, UNLOCK);
  const bucketTake = define('g8BucketTake', 1, BUCKET_TAKE);
  return {
    windowAdd: async (key, windowMs, amount) => (await windowAdd(key, windowMs, amount)) as [number, number],
    paceTake: async (s, m, perSecond, perMinute, holdMs, id) =>
      Number(await paceTake(s, m, perSecond, perMinute, holdMs, id)),
    paceRelease: async (s, m, id, secondMs, minuteMs) => {
      await paceRelease(s, m, id, secondMs, minuteMs);
    },
    unlock: async (key, token) => {
      await unlock(key, token);
    },
    bucketTake: async (key, burst, perMs, lifetimeMs, want) => {
      const [taken, waitMs] = (await bucketTake(key, burst, String(perMs), Math.ceil(lifetimeMs), want)) as [
        number,
        number,
      ];
      return { taken, waitMs };
    },
  };
}
