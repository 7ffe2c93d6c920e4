/**
 * Who the credential is (GET /me), read once per server and shared by the scope-aware tool list
 * and g8_whoami. A failure is remembered briefly, not forever, so a transient outage at start-up
 * does not leave a session hiding nothing (or everything) for its whole life.
 */
import type { ApiClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';

export interface Identity {
  readonly org_id?: string;
  readonly org_name?: string;
  readonly key_mode?: string;
  readonly name?: string;
  readonly principal?: unknown;
  readonly unrestricted: boolean;
  readonly scopes: readonly string[];
  readonly expires_at?: number | null;
}

export type IdentityResult = { ok: true; identity: Identity } | { ok: false; error: ApiError };

const RETRY_AFTER_FAILURE_MS = 30_000;

export function identityReader(api: ApiClient, credential: () => string | Promise<string>) {
  let cached: Promise<IdentityResult> | undefined;
  let failedAt = 0;
  return (): Promise<IdentityResult> => {
    if (cached && !(failedAt && Date.now() - failedAt > RETRY_AFTER_FAILURE_MS)) return cached;
    failedAt = 0;
    cached = (async (): Promise<IdentityResult> => {
      try {
        const res = await api.request({ method: 'GET', path: '/me', retry: 'safe' }, await credential());
        const data = (res.data ?? {}) as Partial<Identity>;
        const scopes = Array.isArray(data.scopes)
          ? data.scopes.filter((s): s is string => typeof s === 'string')
          : [];
        return {
          ok: true,
          identity: { ...data, scopes, unrestricted: data.unrestricted ?? scopes.length === 0 },
        };
      } catch (error) {
        failedAt = Date.now();
        const err =
          error instanceof ApiError ? error : new ApiError({ status: 0, message: 'Could not read GET /me' });
        return { ok: false, error: err };
      }
    })();
    return cached;
  };
}
