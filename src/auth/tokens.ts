/**
 * Codes and tokens for MCP clients: opaque random strings stored only as SHA-256 hashes.
 * Codes live a minute and work once (a replay revokes the grant, RFC 6749 §4.1.2); access tokens
 * are short-lived and bound to this server's canonical URL; refresh tokens rotate on every use and
 * a reused one revokes the grant (OAuth 2.1 §4.3.1).
 */
import type { AuthInfo, OAuthTokens } from '@modelcontextprotocol/server';
import { pkceMatches, randomToken, sha256Hex } from './crypto.js';
import { InvalidGrantError, InvalidScopeError, InvalidTokenError } from './errors.js';
import { checkResource, sameResource } from './resource.js';
import type { AuthStore, Grant, PendingAuthorization } from './store.js';

export const CODE_PREFIX = 'mcp_ac_';
export const ACCESS_PREFIX = 'mcp_at_';
export const REFRESH_PREFIX = 'mcp_rt_';

const CODE_TTL_MS = 60_000;

export interface TokenPolicy {
  readonly canonicalResource: string;
  readonly accessTtlMs: number;
  readonly refreshTtlMs: number;
}

export interface TokenLogger {
  warn(obj: object, msg: string): void;
}

export interface ExchangeRequest {
  readonly clientId: string;
  readonly code: string;
  readonly codeVerifier: string | undefined;
  readonly redirectUri: string | undefined;
  readonly resource: URL | undefined;
}

export interface RefreshRequest {
  readonly clientId: string;
  readonly refreshToken: string;
  readonly scopes: readonly string[] | undefined;
  readonly resource: URL | undefined;
}

export class TokenService {
  constructor(
    private readonly store: AuthStore,
    private readonly policy: TokenPolicy,
    private readonly logger: TokenLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** After consent: a one-minute, single-use code for the pending request's client. */
  async issueCode(pending: PendingAuthorization, grantId: string): Promise<string> {
    const code = randomToken(CODE_PREFIX);
    await this.store.putCode({
      codeHash: sha256Hex(code),
      grantId,
      clientId: pending.clientId,
      redirectUri: pending.redirectUri,
      codeChallenge: pending.codeChallenge,
      resource: pending.resource,
      scopes: pending.scopes,
      expiresAt: this.now() + CODE_TTL_MS,
    });
    return code;
  }

  async exchangeCode(req: ExchangeRequest): Promise<OAuthTokens> {
    const now = this.now();
    // Spent first, whatever follows: a code that failed a check cannot be tried again.
    const consumed = await this.store.consumeCode(sha256Hex(req.code), now);
    if (consumed.status === 'missing')
      throw new InvalidGrantError('authorization code is invalid or expired');
    const code = consumed.record;
    if (consumed.status === 'replayed') {
      await this.store.revokeGrant(code.grantId, now);
      this.logger.warn(
        { grant: code.grantId, client: code.clientId },
        'authorization code replayed; grant revoked',
      );
      throw new InvalidGrantError('authorization code was already used');
    }
    if (code.expiresAt <= now) throw new InvalidGrantError('authorization code expired');
    if (code.clientId !== req.clientId)
      throw new InvalidGrantError('authorization code was issued to another client');
    if (req.redirectUri !== undefined && req.redirectUri !== code.redirectUri) {
      throw new InvalidGrantError('redirect_uri does not match the authorization request');
    }
    if (!req.codeVerifier || !pkceMatches(req.codeVerifier, code.codeChallenge)) {
      throw new InvalidGrantError('code_verifier does not match the challenge');
    }
    checkResource(req.resource, this.policy.canonicalResource);
    const grant = await this.liveGrant(code.grantId);
    return this.issueTokens(grant, code.scopes);
  }

  async refresh(req: RefreshRequest): Promise<OAuthTokens> {
    const now = this.now();
    const hash = sha256Hex(req.refreshToken);
    const known = await this.store.getToken(hash);
    // Checked before spending it, so someone else's client cannot burn a user's refresh token.
    if (known?.kind !== 'refresh' || known.clientId !== req.clientId) {
      throw new InvalidGrantError('refresh token is invalid');
    }
    // The request is checked before the token is spent too: a refresh refused for a wrong resource
    // or a wider scope leaves the token usable, so the client's next, correct refresh still works.
    // A token already used skips this, so that reuse is caught (and the grant revoked) below.
    const asked = req.scopes?.filter((s) => s !== '') ?? [];
    if (known.usedAt === null) {
      if (known.revokedAt !== null) throw new InvalidGrantError('refresh token was revoked');
      if (known.expiresAt <= now) throw new InvalidGrantError('refresh token expired');
      checkResource(req.resource, this.policy.canonicalResource);
      const wider = asked.filter((s) => !known.scopes.includes(s));
      if (wider.length) throw new InvalidScopeError(`scope ${wider.join(' ')} was not granted`);
    }
    const consumed = await this.store.consumeRefreshToken(hash, now);
    if (consumed.status === 'missing') throw new InvalidGrantError('refresh token is invalid');
    const token = consumed.record;
    if (consumed.status === 'replayed') {
      await this.store.revokeGrant(token.grantId, now);
      this.logger.warn(
        { grant: token.grantId, client: token.clientId },
        'refresh token reused; grant revoked',
      );
      throw new InvalidGrantError('refresh token was already used; sign in again');
    }
    if (token.revokedAt !== null) throw new InvalidGrantError('refresh token was revoked');
    if (token.expiresAt <= now) throw new InvalidGrantError('refresh token expired');
    checkResource(req.resource, this.policy.canonicalResource);
    const wider = asked.filter((s) => !token.scopes.includes(s));
    if (wider.length) throw new InvalidScopeError(`scope ${wider.join(' ')} was not granted`);
    const grant = await this.liveGrant(token.grantId);
    return this.issueTokens(grant, asked.length ? asked : token.scopes);
  }

  async verify(accessToken: string): Promise<AuthInfo> {
    const token = await this.store.getToken(sha256Hex(accessToken));
    if (token?.kind !== 'access') throw new InvalidTokenError('The access token is not recognised');
    if (token.revokedAt !== null) throw new InvalidTokenError('The access token was revoked');
    if (token.expiresAt <= this.now()) throw new InvalidTokenError('The access token expired');
    if (!sameResource(token.resource, this.policy.canonicalResource)) {
      throw new InvalidTokenError('The access token was not issued for this resource');
    }
    const grant = await this.store.getGrant(token.grantId);
    if (!grant || grant.revokedAt !== null) throw new InvalidTokenError('The access token was revoked');
    return {
      token: accessToken,
      clientId: token.clientId,
      scopes: [...token.scopes],
      expiresAt: Math.floor(token.expiresAt / 1000),
      resource: new URL(token.resource),
      extra: { grantId: grant.id },
    };
  }

  /**
   * RFC 7009: unknown tokens and other clients' tokens are ignored (still a 200). Revoking a
   * refresh token ends the whole grant; an access token only itself. Returns the revoked grant id.
   */
  async revoke(clientId: string, tokenValue: string): Promise<string | undefined> {
    const hash = sha256Hex(tokenValue);
    const token = await this.store.getToken(hash);
    if (!token || token.clientId !== clientId) return undefined;
    if (token.kind === 'refresh') {
      await this.store.revokeGrant(token.grantId, this.now());
      return token.grantId;
    }
    await this.store.revokeToken(hash, this.now());
    return undefined;
  }

  private async liveGrant(id: string): Promise<Grant> {
    const grant = await this.store.getGrant(id);
    if (!grant || grant.revokedAt !== null) throw new InvalidGrantError('the authorization was revoked');
    return grant;
  }

  private async issueTokens(grant: Grant, scopes: readonly string[]): Promise<OAuthTokens> {
    const now = this.now();
    const access = randomToken(ACCESS_PREFIX);
    const refresh = randomToken(REFRESH_PREFIX);
    const base = { grantId: grant.id, clientId: grant.clientId, scopes, resource: grant.resource };
    await this.store.putToken({
      ...base,
      tokenHash: sha256Hex(access),
      kind: 'access',
      expiresAt: now + this.policy.accessTtlMs,
      revokedAt: null,
      usedAt: null,
    });
    await this.store.putToken({
      ...base,
      tokenHash: sha256Hex(refresh),
      kind: 'refresh',
      expiresAt: now + this.policy.refreshTtlMs,
      revokedAt: null,
      usedAt: null,
    });
    return {
      access_token: access,
      token_type: 'Bearer',
      expires_in: Math.round(this.policy.accessTtlMs / 1000),
      refresh_token: refresh,
      scope: scopes.join(' '),
    };
  }
}
