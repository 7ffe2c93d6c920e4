/**
 * What remote mode's pieces take from the shared state: each hook is present only when its engine
 * is configured, so with neither URL set every piece keeps its in-process default.
 */
import type { PacerLimits, Pacing } from '../api/pacer.js';
import type { SharedKeyCache } from '../auth/api-keys.js';
import type { GrantLocks } from '../auth/credentials.js';
import type { RateLimitOption } from '../auth/endpoints/index.js';
import type { FailureCounter } from '../auth/throttle.js';
import type { UsedStates } from '../mcp/used-states.js';
import type { CallAdmission, PrincipalLimitSettings } from '../ops/limits.js';
import { SharedCallLimits } from './redis-call-limits.js';
import { keyCacheInRedis } from './redis-key-cache.js';
import { RedisFailureThrottle, RedisRateLimitStore } from './redis-limits.js';
import { locksInRedis } from './redis-lock.js';
import { SharedPacer } from './redis-pacer.js';
import { usedStatesInRedis } from './redis-used-states.js';
import type { SharedState } from './shared.js';

export interface SharedHooks {
  readonly pacing?: (limits: PacerLimits) => Pacing;
  readonly locks?: GrantLocks;
  readonly keyCache?: SharedKeyCache;
  readonly throttle?: (limit: number, windowMs: number) => FailureCounter;
  readonly usedStates?: UsedStates;
  readonly rateLimit?: Exclude<RateLimitOption, false | undefined>;
  readonly callLimits?: (settings: PrincipalLimitSettings) => CallAdmission;
}

/** `timeoutMs`: one upstream request's timeout, which bounds how long a permit or a lock is held. */
export function sharedHooks(shared: SharedState, timeoutMs: number): SharedHooks {
  if (!shared.redis) return {};
  const { client, fallbacks } = shared.redis;
  const holdMs = timeoutMs + 5_000;
  return {
    pacing: (limits) => new SharedPacer(client, fallbacks, { limits, holdMs }),
    locks: locksInRedis(client, fallbacks, holdMs),
    keyCache: keyCacheInRedis(client),
    throttle: (limit, windowMs) => new RedisFailureThrottle(client, fallbacks, { limit, windowMs }),
    usedStates: usedStatesInRedis(client),
    rateLimit: { store: (name) => new RedisRateLimitStore(client, fallbacks, name) },
    callLimits: (settings) => new SharedCallLimits(client, fallbacks, settings),
  };
}
