/**
 * Who is calling /mcp: an MCP access token from our authorization server, or — the non-OAuth
 * path for headless clients — a graph8 API key in `Authorization: Bearer g8_…` or `X-API-Key`.
 * Failures are answered the RFC 6750 / RFC 9728 way: 401 with a WWW-Authenticate naming the
 * protected-resource metadata and the scope, so a client knows where to sign in.
 */

import type { IncomingHttpHeaders } from 'node:http';
import { looksLikeJwt } from '../config.js';
import { type ApiKeyVerifier, looksLikeApiKey } from './api-keys.js';
import type { CredentialVault } from './credentials.js';
import { sha256Hex } from './crypto.js';
import { InvalidTokenError } from './errors.js';
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
}

function headerText(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

export class McpAuthenticator {
  constructor(private readonly opts: McpAuthOptions) {}

  async authenticate(headers: IncomingHttpHeaders): Promise<AuthOutcome> {
    const authorization = headerText(headers.authorization);
    const apiKeyHeader = headerText(headers['x-api-key']);
    if (authorization && apiKeyHeader) {
      return this.#fail(400, 'invalid_request', 'Send either Authorization or X-API-Key, not both');
    }
    if (apiKeyHeader) return this.#apiKey(apiKeyHeader);
    if (!authorization) return this.#challenge();
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) return this.#fail(401, 'invalid_request', "Expected 'Authorization: Bearer <token>'");
    const token = match[1] as string;
    if (/^g8_(live|test)_/.test(token)) return this.#apiKey(token);
    if (looksLikeJwt(token)) {
      return this.#fail(
        401,
        'invalid_token',
        'A JWT is not accepted here: sign in with OAuth or send a graph8 API key',
      );
    }
    try {
      const info = await this.opts.tokens.verify(token);
      const grantId = String(info.extra?.grantId);
      return {
        ok: true,
        principal: {
          kind: 'oauth',
          owner: `grant:${grantId}`,
          scopes: info.scopes,
          credential: () => this.opts.vault.forGrant(grantId),
        },
      };
    } catch (error) {
      if (error instanceof InvalidTokenError) return this.#fail(401, 'invalid_token', error.message);
      throw error;
    }
  }

  async #apiKey(key: string): Promise<AuthOutcome> {
    if (!looksLikeApiKey(key)) {
      return this.#fail(401, 'invalid_token', 'Not a graph8 API key (expected g8_live_… or g8_test_…)');
    }
    const hash = this.#hashOf(key);
    const check = await this.opts.apiKeys.verify(key, hash);
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

  #fail(status: number, code: string, description: string): AuthOutcome {
    const headers: Record<string, string> =
      status === 401 ? { 'WWW-Authenticate': this.#wwwAuthenticate({ code, description }) } : {};
    return { ok: false, status, headers, body: { error: code, error_description: description } };
  }
}
