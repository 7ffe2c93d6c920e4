/**
 * Who is calling /mcp: an MCP access token from our authorization server, or — the non-OAuth
 * path for headless clients — a graph8 API key in `Authorization: Bearer g8_…` or `X-API-Key`.
 * Failures are answered the RFC 6750 / RFC 9728 way: 401 with a WWW-Authenticate naming the
 * protected-resource metadata and the scope, so a client knows where to sign in.
 *
 * Failed checks are counted per client address and per API-key prefix (throttle.ts); a caller
 * over the limit gets 429 + Retry-After and its credential is not checked upstream — only an
 * OAuth token (checked locally) or an API key already known good still passes.
 */

import type { IncomingHttpHeaders } from 'node:http';
import { looksLikeJwt } from '../config/api-key.js';
import { type ApiKeyVerifier, looksLikeApiKey } from './api-keys.js';
import type { CredentialVault } from './credentials.js';
import { sha256Hex } from './crypto.js';
import { InvalidTokenError } from './errors.js';
import { RecentChecks } from './recent-checks.js';
import { type FailureCounter, FailureThrottle, failureBuckets } from './throttle.js';
import type { TokenService } from './tokens.js';

export interface McpPrincipal {
  readonly kind: 'oauth' | 'api_key';
  /** Sessions are bound to this: a session id is useless with anyone else's credential. */
  readonly owner: string;
  readonly scopes: readonly string[] | undefined;
  /** The upstream credential for tool calls; never the MCP token itself. */
  readonly credential: () => string | Promise<string>;
}

export type AuthOutcome =
  | { readonly ok: true; readonly principal: McpPrincipal }
  | {
      readonly ok: false;
      readonly status: number;
      readonly headers: Record<string, string>;
      readonly body: { error: string; error_description: string };
    };

export interface McpAuthOptions {
  readonly tokens: TokenService;
  readonly apiKeys: ApiKeyVerifier;
  readonly vault: CredentialVault;
  readonly resourceMetadataUrl: string;
  readonly scopes: readonly string[];
  /** Failed checks allowed per client address and per key prefix a minute (0: no limit). */
  readonly failuresPerMinute?: number;
  /** Where failures are counted (shared by every replica on Redis); else in this process. */
  readonly throttle?: (limit: number, windowMs: number) => FailureCounter;
  readonly logger?: { warn(obj: object, msg: string): void };
}

/** What a client is told to wait when the token store does not answer. */
const STORE_RETRY_AFTER_SEC = 5;

/** The window of the failed-check throttle. */
const THROTTLE_WINDOW_MS = 60_000;

function headerText(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/**
 * A grant's credential, looked up (store read, unseal, maybe refresh) at most once a second: one
 * request asks for it twice (the call, then the redaction of its answer). Short enough that a
 * revocation or an upstream refresh (due a minute before expiry) is seen at once.
 */
function briefly(lookup: () => Promise<string>): () => Promise<string> {
  let held: { until: number; value: Promise<string> } | undefined;
  return () => {
    const now = Date.now();
    if (!held || held.until <= now) {
      const value = lookup();
      held = { until: now + 1_000, value };
      // A failed lookup is not kept: the next call asks again.
      value.catch(() => {
        if (held?.value === value) held = undefined;
      });
    }
    return held.value;
  };
}

export class McpAuthenticator {
  readonly #throttle: FailureCounter;
  /** Access tokens this replica verified in the last minute, by hash: served while the store is down. */
  readonly #checked = new RecentChecks<{ readonly grantId: string; readonly scopes: string[] }>();
  #outageLogged = false;

  constructor(private readonly opts: McpAuthOptions) {
    const limit = opts.failuresPerMinute ?? 0;
    this.#throttle =
      opts.throttle?.(limit, THROTTLE_WINDOW_MS) ??
      new FailureThrottle({ limit, windowMs: THROTTLE_WINDOW_MS });
  }

  /** `client`: the caller's address (client-address.ts), for the failed-check throttle. */
  async authenticate(headers: IncomingHttpHeaders, client?: string): Promise<AuthOutcome> {
    const authorization = headerText(headers.authorization);
    const apiKeyHeader = headerText(headers['x-api-key']);
    if (!authorization && !apiKeyHeader) return this.#challenge();
    const bearer = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization)?.[1] : undefined;
    const key = apiKeyHeader ?? bearer;
    const buckets = failureBuckets(client, key);
    // Asked only when it can change the answer (a valid OAuth token or a key known good passes
    // anyway): on Redis it is a round trip.
    let waiting: Promise<number> | undefined;
    const wait = () => {
      waiting ??= Promise.resolve(this.#throttle.retryAfter(buckets));
      return waiting;
    };
    const outcome = await this.#check(authorization, apiKeyHeader, bearer, async () => (await wait()) > 0);
    if (outcome.ok) return outcome;
    const seconds = await wait();
    if (seconds > 0) return this.#throttled(seconds);
    // An outage upstream says nothing about the caller.
    if (outcome.status !== 503) await this.#throttle.fail(buckets);
    return outcome;
  }

  async #check(
    authorization: string | undefined,
    apiKeyHeader: string | undefined,
    bearer: string | undefined,
    throttled: () => Promise<boolean>,
  ): Promise<AuthOutcome> {
    if (authorization && apiKeyHeader) {
      return this.#fail(400, 'invalid_request', 'Send either Authorization or X-API-Key, not both');
    }
    if (apiKeyHeader) return this.#apiKey(apiKeyHeader, throttled);
    if (bearer === undefined) {
      return this.#fail(401, 'invalid_request', "Expected 'Authorization: Bearer <token>'");
    }
    const token = bearer;
    if (/^g8_(live|test)_/.test(token)) return this.#apiKey(token, throttled);
    if (looksLikeJwt(token)) {
      return this.#fail(
        401,
        'invalid_token',
        'A JWT is not accepted here: sign in with OAuth or send a graph8 API key',
      );
    }
    // The memo of key hashes serves tokens too: hashing on every request costs more than a lookup.
    const tokenHash = this.#hashOf(token);
    const principal = (grantId: string, scopes: string[]): AuthOutcome => ({
      ok: true,
      principal: {
        kind: 'oauth',
        owner: `grant:${grantId}`,
        scopes,
        credential: briefly(() => this.opts.vault.forGrant(grantId)),
      },
    });
    try {
      const info = await this.opts.tokens.verify(token);
      const grantId = String(info.extra?.grantId);
      this.#checked.remember(
        tokenHash,
        { grantId, scopes: info.scopes },
        (info.expiresAt ?? Infinity) * 1000,
      );
      this.#outageLogged = false;
      return principal(grantId, info.scopes);
    } catch (error) {
      if (error instanceof InvalidTokenError) return this.#fail(401, 'invalid_token', error.message);
      // A token this replica checked within the last minute keeps working through the outage.
      const recent = this.#checked.recall(tokenHash);
      if (recent) {
        if (!this.#outageLogged) {
          this.#outageLogged = true;
          this.opts.logger?.warn(
            { err: error },
            'the token store does not answer: serving access tokens checked here in the last minute',
          );
        }
        return principal(recent.grantId, recent.scopes);
      }
      // The store did not answer (PostgreSQL unreachable): the token may well be good, so the
      // client is told to retry, not to sign in again.
      return this.#retryLater(
        503,
        'temporarily_unavailable',
        'Sign-ins cannot be checked right now; retry shortly',
        STORE_RETRY_AFTER_SEC,
      );
    }
  }

  async #apiKey(key: string, throttled: () => Promise<boolean>): Promise<AuthOutcome> {
    if (!looksLikeApiKey(key)) {
      return this.#fail(401, 'invalid_token', 'Not a graph8 API key (expected g8_live_… or g8_test_…)');
    }
    const hash = this.#hashOf(key);
    // Over the limit, only a key already known good passes: nothing is asked upstream.
    const known = this.opts.apiKeys.knownGood(hash);
    if (!known && (await throttled())) return this.#fail(401, 'invalid_token', 'throttled');
    const check = known ?? (await this.opts.apiKeys.verify(key, hash));
    if (!check.ok) {
      return check.reason === 'refused'
        ? this.#fail(401, 'invalid_token', 'graph8 refused this API key')
        : this.#fail(503, 'temporarily_unavailable', check.message);
    }
    return {
      ok: true,
      principal: {
        kind: 'api_key',
        owner: `key:${hash}`,
        scopes: undefined,
        credential: () => key,
      },
    };
  }

  /** Hashing the key on every request costs more than the rest of the check; a bounded memo. */
  readonly #hashes = new Map<string, string>();
  #hashOf(key: string): string {
    let hash = this.#hashes.get(key);
    if (hash === undefined) {
      if (this.#hashes.size >= 1000) this.#hashes.clear();
      hash = sha256Hex(key);
      this.#hashes.set(key, hash);
    }
    return hash;
  }

  #wwwAuthenticate(error?: { code: string; description: string }): string {
    const parts = [];
    if (error) {
      // A header value is Latin-1 and must not break out of its quotes.
      const text = error.description.replaceAll('…', '...').replace(/[^\x20-\x7e]|["\\]/g, '');
      parts.push(`error="${error.code}"`, `error_description="${text}"`);
    }
    parts.push(
      `resource_metadata="${this.opts.resourceMetadataUrl}"`,
      `scope="${this.opts.scopes.join(' ')}"`,
    );
    return `Bearer ${parts.join(', ')}`;
  }

  /** No credentials at all: RFC 6750 §3.1 says no error code, just the challenge. */
  #challenge(): AuthOutcome {
    return {
      ok: false,
      status: 401,
      headers: { 'WWW-Authenticate': this.#wwwAuthenticate() },
      body: {
        error: 'invalid_token',
        error_description: 'Authentication required: sign in with OAuth, or send a graph8 API key',
      },
    };
  }

  #throttled(seconds: number): AuthOutcome {
    return this.#retryLater(
      429,
      'too_many_requests',
      `Too many failed credential checks; retry in ${seconds} s`,
      seconds,
    );
  }

  #retryLater(status: 429 | 503, error: string, description: string, seconds: number): AuthOutcome {
    return {
      ok: false,
      status,
      headers: { 'Retry-After': String(seconds) },
      body: { error, error_description: description },
    };
  }

  #fail(status: number, code: string, description: string): AuthOutcome {
    const headers: Record<string, string> =
      status === 401 ? { 'WWW-Authenticate': this.#wwwAuthenticate({ code, description }) } : {};
    return { ok: false, status, headers, body: { error: code, error_description: description } };
  }
}
