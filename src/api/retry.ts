/**
 * The one retry policy (README "Retries"). Which failures are retried depends on what a repeat
 * could do to the world:
 *  - `safe` (read tools): 408, 429, 5xx and connection failures.
 *  - `keyed` (writes carrying an Idempotency-Key): 429 and connection failures — the backend
 *    replays the first response for a repeated key, so nothing is created twice.
 *  - `once` (external tools: sends, launches, pushes, triggers): only failures that prove the
 *    request never arrived (429, connection refused). After that the model must check state.
 */
import { ApiError, ConnectionError } from './errors.js';

export type RetryClass = 'safe' | 'keyed' | 'once';

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 60_000 };

/** Connection errors whose code proves no byte of the request reached a server. */
const NEVER_ARRIVED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function neverArrived(error: ConnectionError): boolean {
  return NEVER_ARRIVED.has(error.code ?? '');
}

export function shouldRetry(error: unknown, cls: RetryClass): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.status === 429) return true;
  if (error instanceof ConnectionError) return cls !== 'once' || neverArrived(error);
  if (cls !== 'safe') return false;
  return error.status === 408 || (error.status >= 500 && error.status <= 599);
}

/** Delay before attempt `attempt + 1`: the server's word first, else capped exponential with jitter. */
export function retryDelayMs(
  error: unknown,
  attempt: number,
  policy: RetryPolicy,
  random = Math.random,
): number {
  if (error instanceof ApiError && error.retryAfterSeconds !== undefined) {
    return Math.min(policy.maxDelayMs, Math.ceil(error.retryAfterSeconds * 1000));
  }
  const exp = policy.baseDelayMs * 2 ** (attempt - 1);
  return Math.min(policy.maxDelayMs, Math.round(exp / 2 + (random() * exp) / 2));
}
