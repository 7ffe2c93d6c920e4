/** Resolves startSandbox options against the environment (flags > env > defaults). */

import type { ScopeMode } from './kernel/pipeline.js';
import type { RateLimitConfig } from './kernel/rate-limit.js';

/** A start-up problem a user can fix; the entry point prints its message without a stack. */
export class StartupError extends Error {}

type Env = Readonly<Record<string, string | undefined>>;

function positiveInt(env: Env, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  if (!/^\d{1,9}$/.test(text.trim()) || Number(text) < 1) {
    throw new StartupError(`${name} must be a positive integer (got "${text}")`);
  }
  return Number(text);
}

export function rateLimitFrom(env: Env, given?: RateLimitConfig): RateLimitConfig {
  if (given) {
    if (!(given.perSecond >= 1 && given.perMinute >= 1)) {
      throw new StartupError('rateLimit.perSecond and rateLimit.perMinute must be at least 1');
    }
    return given;
  }
  return {
    perSecond: positiveInt(env, 'G8_SANDBOX_RATE_PER_SECOND', 50),
    perMinute: positiveInt(env, 'G8_SANDBOX_RATE_PER_MINUTE', 1000),
  };
}

export function scopeModeFrom(env: Env, given?: ScopeMode): ScopeMode {
  if (given) return given;
  const text = env.G8_SANDBOX_SCOPE_MODE?.trim().toLowerCase();
  if (text === undefined || text === '') return 'enforce';
  if (text === 'enforce' || text === 'soak') return text;
  throw new StartupError(
    `G8_SANDBOX_SCOPE_MODE must be enforce or soak (got "${env.G8_SANDBOX_SCOPE_MODE}")`,
  );
}
