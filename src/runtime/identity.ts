/**
 * Who the credential is (GET /me), read once per server and shared by the scope-aware tool list
 * and g8_whoami. A failure is remembered briefly, not forever, so a transient outage at start-up
 * does not leave a session hiding nothing (or everything) for its whole life.
 */
import { createHash } from 'node:crypto';
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

/**
 * GET /me answers shared by every server in the process, keyed by a hash of the credential. In
 * HTTP mode each session (and, stateless, each request) builds its own server; without this each
 * would read /me again — two backend calls per tool call in stateless mode. Kept briefly, so a
 * change to the key's scopes shows within a minute; failures are never shared.
 */
const SHARED_TTL_MS = 60_000;
const SHARED_MAX = 10_000;
const shared = new Map<string, { until: number; identity: Identity }>();

// The last credential's key: remote mode builds a reader per request, mostly for the same key.
let lastCredential: string | undefined;
let lastKey = '';

function credentialKey(credential: string): string {
  if (credential !== lastCredential) {
    lastKey = createHash('sha256').update(credential).digest('base64url');
    lastCredential = credential;
  }
  return lastKey;
}

function share(key: string, data: unknown): Identity {
  const identity = identityFromData(data);
  if (shared.size >= SHARED_MAX) shared.delete(shared.keys().next().value as string);
  shared.set(key, { until: Date.now() + SHARED_TTL_MS, identity });
  return identity;
}

/**
 * A GET /me answer read elsewhere for this credential (remote mode's API-key check), shared as if
 * read here: the audit's record of the call and the tool list then read no /me of their own.
 */
export function rememberIdentity(credential: string, data: unknown): void {
  share(credentialKey(credential), data);
}

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
      const secret = await credential();
      const key = credentialKey(secret);
      const hit = shared.get(key);
      if (hit && hit.until > Date.now()) return { ok: true, identity: hit.identity };
      const res = await api.request({ method: 'GET', path: '/me', retry: 'safe' }, secret);
      return { ok: true, identity: share(key, res.data) };
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
