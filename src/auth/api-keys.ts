/**
 * graph8 API keys as credentials: pasted on the consent page, or sent directly on /mcp by headless
 * clients (`Authorization: Bearer g8_…` / `X-API-Key: g8_…`). A key is checked with GET /me, and
 * the answer is cached by the key's SHA-256 for a few minutes so a busy client costs one check
 * per window, not one per request. A refusal is cached for a few seconds only (a key just created
 * upstream must not stay refused for long), and concurrent checks of one key share one GET /me.
 * Repeated failures are throttled in front of this (mcp-auth.ts, throttle.ts).
 */
import type { ApiClient } from '../api/client.js';
import { ApiError, ConnectionError, TimeoutError } from '../api/errors.js';
import { rememberIdentity } from '../runtime/identity.js';
import { sha256Hex } from './crypto.js';

export interface KeyIdentity {
  readonly orgName: string | null;
  readonly keyName: string | null;
  readonly userEmail: string | null;
  readonly scopes: readonly string[];
}

export type KeyCheck =
  | { readonly ok: true; readonly identity: KeyIdentity }
  | { readonly ok: false; readonly reason: 'refused' | 'unavailable'; readonly message: string };

const KEY_RE = /^g8_(live|test)_[A-Za-z0-9_-]{16,200}$/;

/** The shape of a graph8 API key; legacy unprefixed keys are not accepted on this path. */
export function looksLikeApiKey(value: string): boolean {
  return KEY_RE.test(value);
}

const MAX_ENTRIES = 10_000;
/** How long a refusal is remembered: long enough to absorb a burst, short enough for a new key. */
export const NEGATIVE_TTL_MS = 10_000;

/** A second-level cache of checks shared by replicas (Redis); its failures count as misses. */
export interface SharedKeyCache {
  /** The check and how long it still holds. */
  get(hash: string): Promise<{ readonly check: KeyCheck; readonly ttlMs: number } | undefined>;
  set(hash: string, check: KeyCheck, ttlMs: number): Promise<void>;
}

export interface ApiKeyVerifierOptions {
  readonly ttlMs: number;
  readonly now?: () => number;
  readonly shared?: SharedKeyCache;
}

function identityFrom(data: unknown): KeyIdentity {
  const me = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const principal = (me.principal ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    orgName: text(me.org_name),
    keyName: text(me.name),
    userEmail: text(principal.user_email),
    scopes: Array.isArray(me.scopes) ? me.scopes.filter((s): s is string => typeof s === 'string') : [],
  };
}

/** A short, non-secret label for whoever a credential belongs to. */
export function subjectOf(identity: KeyIdentity): string {
  return identity.userEmail ?? identity.orgName ?? 'graph8 user';
}

export class ApiKeyVerifier {
  readonly #api: ApiClient;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #shared: SharedKeyCache | undefined;
  readonly #cache = new Map<string, { expiresAt: number; check: KeyCheck }>();
  readonly #pending = new Map<string, Promise<KeyCheck>>();

  constructor(api: ApiClient, opts: ApiKeyVerifierOptions) {
    this.#api = api;
    this.#ttlMs = opts.ttlMs;
    this.#now = opts.now ?? Date.now;
    this.#shared = opts.shared;
  }

  /** GET /me with this credential (an API key or an upstream OAuth token). */
  async describe(credential: string): Promise<KeyCheck> {
    try {
      const res = await this.#api.request({ method: 'GET', path: '/me', retry: 'safe' }, credential);
      rememberIdentity(credential, res.data);
      return { ok: true, identity: identityFrom(res.data) };
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        return { ok: false, reason: 'refused', message: 'graph8 refused this key' };
      }
      const down = error instanceof ConnectionError || error instanceof TimeoutError;
      return {
        ok: false,
        reason: 'unavailable',
        message: down ? 'graph8 could not be reached to check the key' : 'graph8 could not check the key',
      };
    }
  }

  /** `hash` is sha256Hex(key), when the caller has it already. */
  async verify(key: string, hash = sha256Hex(key)): Promise<KeyCheck> {
    if (!looksLikeApiKey(key)) {
      return {
        ok: false,
        reason: 'refused',
        message: 'not a graph8 API key (expected g8_live_… or g8_test_…)',
      };
    }
    const hit = this.#cache.get(hash);
    if (hit && hit.expiresAt > this.#now()) return hit.check;
    const pending = this.#pending.get(hash);
    if (pending) return pending;
    const checking = this.#lookup(key, hash).then(({ check, ttl, fresh }) => {
      this.#pending.delete(hash);
      // An outage is not an answer about the key: it is not cached.
      if (ttl > 0) {
        if (this.#cache.size >= MAX_ENTRIES) this.#cache.delete(this.#cache.keys().next().value as string);
        this.#cache.set(hash, { expiresAt: this.#now() + ttl, check });
        if (fresh) void this.#shared?.set(hash, check, ttl).catch(() => {});
      }
      return check;
    });
    this.#pending.set(hash, checking);
    return checking;
  }

  /** Another replica's answer when it has one (and it still holds), else GET /me. */
  async #lookup(key: string, hash: string): Promise<{ check: KeyCheck; ttl: number; fresh: boolean }> {
    const known = await this.#shared?.get(hash).catch(() => undefined);
    if (known)
      return { check: known.check, ttl: Math.min(known.ttlMs, this.#ttlFor(known.check)), fresh: false };
    const check = await this.describe(key);
    return { check, ttl: check.ok || check.reason === 'refused' ? this.#ttlFor(check) : 0, fresh: true };
  }

  #ttlFor(check: KeyCheck): number {
    return check.ok ? this.#ttlMs : Math.min(this.#ttlMs, NEGATIVE_TTL_MS);
  }

  /** The cached answer for a key known to be good (no upstream call), else undefined. */
  knownGood(hash: string): KeyCheck | undefined {
    const hit = this.#cache.get(hash);
    return hit && hit.expiresAt > this.#now() && hit.check.ok ? hit.check : undefined;
  }
}
