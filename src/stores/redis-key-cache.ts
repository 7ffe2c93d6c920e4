/**
 * The API-key check cache (src/auth/api-keys.ts) shared in Redis: a key checked with GET /me on one
 * replica is trusted by the others for the rest of its cache time, so a client spread over N
 * replicas costs one check a window, not N. Entries are keyed by the key's SHA-256 and hold the
 * non-secret identity GET /me answered (org, key name, user email, scopes).
 */
import type { Redis } from 'ioredis';
import type { KeyCheck, SharedKeyCache } from '../auth/api-keys.js';

export function keyCacheInRedis(redis: Redis): SharedKeyCache {
  return {
    async get(hash) {
      const key = `apikey:${hash}`;
      const [[, value] = [], [, ttl] = []] = (await redis.multi().get(key).pttl(key).exec()) ?? [];
      if (typeof value !== 'string' || Number(ttl) <= 0) return undefined;
      return { check: JSON.parse(value) as KeyCheck, ttlMs: Number(ttl) };
    },
    async set(hash, check, ttlMs) {
      await redis.set(`apikey:${hash}`, JSON.stringify(check), 'PX', Math.max(1, Math.round(ttlMs)));
    },
  };
}
