/**
 * Locks across replicas in Redis (SET NX PX, released only by their holder): one upstream refresh
 * per grant at a time. A holder that dies loses the lock after `holdMs`. While Redis cannot answer,
 * `fn` runs without the lock (logged once): the vault then still keeps a refresh token another
 * replica rotated (credentials.ts reads the grant again on a refusal).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { GrantLocks } from '../auth/credentials.js';
import type { Fallbacks } from './redis.js';
import { scripts } from './redis-scripts.js';

const POLL_MS = 25;

export function locksInRedis(
  redis: Redis,
  fallbacks: Fallbacks,
  /** Longer than the work under the lock can take (an upstream request and a store write). */
  holdMs: number,
): GrantLocks {
  const { unlock } = scripts(redis);
  return {
    async run(name, fn) {
      const key = `lock:${name}`;
      const token = randomUUID();
      const giveUpAt = Date.now() + holdMs;
      let held = false;
      try {
        while (!held) {
          held = (await redis.set(key, token, 'PX', holdMs, 'NX')) === 'OK';
          // A holder that outlived its hold lost the lock anyway: go on without it.
          if (!held && Date.now() >= giveUpAt) break;
          if (!held) await sleep(POLL_MS);
        }
      } catch (error) {
        fallbacks.note('the upstream refresh lock', error);
      }
      try {
        return await fn();
      } finally {
        if (held) await unlock(key, token).catch(() => {});
      }
    },
  };
}
