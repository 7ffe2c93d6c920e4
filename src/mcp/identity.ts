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

/** The identity in a GET /me answer's `data`: scopes kept only if strings; no scopes means unrestricted. */
export function identityFromData(value: unknown): Identity {
  const data = (value ?? {}) as Partial<Identity>;
  const scopes = Array.isArray(data.scopes)
    ? data.scopes.filter((s): s is string => typeof s === 'string')
    : [];
  return { ...data, scopes, unrestricted: data.unrestricted ?? scopes.length === 0 };
}

/**
 * `known` is a GET /me already read (or being read) by someone else for the same credential —
 * stdio's fast start-up reads it before the server exists. It is used if it resolves to an
 * identity; `undefined` means "not read after all", and the reader reads /me itself as usual.
 */
export function identityReader(
  api: ApiClient,
  credential: () => string | Promise<string>,
  known?: Promise<Identity | undefined>,
) {
  let cached: Promise<IdentityResult> | undefined;
  let failedAt = 0;
  const read = async (): Promise<IdentityResult> => {
    try {
      const res = await api.request({ method: 'GET', path: '/me', retry: 'safe' }, await credential());
      return { ok: true, identity: identityFromData(res.data) };
    } catch (error) {
      failedAt = Date.now();
      const err =
        error instanceof ApiError ? error : new ApiError({ status: 0, message: 'Could not read GET /me' });
      return { ok: false, error: err };
    }
  };
  if (known) {
    cached = known.then(
      (identity) => (identity ? { ok: true as const, identity } : read()),
      () => read(),
    );
  }
  return (): Promise<IdentityResult> => {
    if (cached && !(failedAt && Date.now() - failedAt > RETRY_AFTER_FAILURE_MS)) return cached;
    failedAt = 0;
    cached = read();
    return cached;
  };
}
