/**
 * What the authorization server keeps: registered clients, authorization requests waiting on the
 * consent page, grants (with the sealed upstream credential), authorization codes and tokens.
 *
 * Codes, tokens and the browser/CSRF values of a pending request are stored only as SHA-256
 * hashes (`*Hash` fields); the upstream credential only sealed. Times are epoch milliseconds.
 * Every method is async so a networked backend can implement the same interface; the SQLite one
 * (sqlite-store.ts) is the first.
 */
import type { OAuthClientInformationFull } from '@modelcontextprotocol/server';

export interface PendingAuthorization {
  readonly idHash: string;
  /** Hash of the random value in this browser's consent cookie: the request is bound to it. */
  readonly browserHash: string;
  readonly csrfHash: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly state: string | undefined;
  readonly scopes: readonly string[];
  readonly resource: string;
  readonly expiresAt: number;
  /** Set once the user chose "Sign in with graph8": the upstream `state` (hashed) and PKCE verifier (sealed). */
  readonly upstreamStateHash?: string | undefined;
  readonly upstreamVerifierSealed?: string | undefined;
}

export type CredentialKind = 'api_key' | 'oauth';

export interface Grant {
  readonly id: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly resource: string;
  readonly credentialKind: CredentialKind;
  /** Sealed JSON of the upstream credential (see credentials.ts), bound to this grant's id. */
  readonly credentialSealed: string;
  /** Who signed in, for logs and the consent trail (an org name or user email; never a secret). */
  readonly subject: string;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

export interface AuthorizationCode {
  readonly codeHash: string;
  readonly grantId: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly resource: string;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
}

export type TokenKind = 'access' | 'refresh';

export interface TokenRecord {
  readonly tokenHash: string;
  readonly kind: TokenKind;
  readonly grantId: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly resource: string;
  readonly expiresAt: number;
  readonly revokedAt: number | null;
  /** Refresh tokens: when this one was exchanged (rotated). A second use is a replay. */
  readonly usedAt: number | null;
}

/** Outcome of a single-use consumption (codes, refresh tokens). */
export type Consumed<T> =
  | { readonly status: 'ok'; readonly record: T }
  | { readonly status: 'replayed'; readonly record: T }
  | { readonly status: 'missing' };

export interface AuthStore {
  getClient(clientId: string): Promise<OAuthClientInformationFull | undefined>;
  saveClient(client: OAuthClientInformationFull, now: number): Promise<void>;

  putPending(pending: PendingAuthorization): Promise<void>;
  getPending(idHash: string): Promise<PendingAuthorization | undefined>;
  getPendingByUpstreamState(upstreamStateHash: string): Promise<PendingAuthorization | undefined>;
  /** Records the upstream leg of a pending request. */
  setPendingUpstream(idHash: string, upstreamStateHash: string, verifierSealed: string): Promise<void>;
  deletePending(idHash: string): Promise<void>;

  createGrant(grant: Grant): Promise<void>;
  getGrant(id: string): Promise<Grant | undefined>;
  updateGrantCredential(id: string, credentialSealed: string): Promise<void>;
  /** Revokes the grant and every token issued under it. */
  revokeGrant(id: string, now: number): Promise<void>;

  putCode(code: AuthorizationCode): Promise<void>;
  /** Atomically marks the code used; a second call for the same code answers `replayed`. */
  consumeCode(codeHash: string, now: number): Promise<Consumed<AuthorizationCode>>;

  putToken(token: TokenRecord): Promise<void>;
  getToken(tokenHash: string): Promise<TokenRecord | undefined>;
  /** Atomically marks a refresh token used (rotation); a second call answers `replayed`. */
  consumeRefreshToken(tokenHash: string, now: number): Promise<Consumed<TokenRecord>>;
  revokeToken(tokenHash: string, now: number): Promise<void>;

  /** Deletes expired pending requests, codes and tokens. */
  sweep(now: number): Promise<void>;
  /** Readiness probe: throws when the backend cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
