/**
 * "Sign in with graph8": this server as an OAuth client of the upstream graph8 authorization
 * server (authorization code + PKCE, with oauth4webapi). The upstream tokens it obtains are what
 * tool calls send to the graph8 API; the MCP client's own token never leaves this server.
 */
import * as oauth from 'oauth4webapi';
import { isLoopbackHost } from './redirects.js';

export interface UpstreamSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret?: string | undefined;
  /** Space-separated graph8 scopes to ask for; empty = the user's own scopes. */
  readonly scopes?: string | undefined;
  /** `<public url>/oauth/callback`. */
  readonly redirectUri: string;
  readonly timeoutMs?: number | undefined;
}

export interface UpstreamTokens {
  readonly accessToken: string;
  readonly refreshToken?: string | undefined;
  /** Epoch ms, when the upstream said how long the token lives. */
  readonly expiresAt?: number | undefined;
  readonly issuedAt: number;
}

/** The upstream refused (bad code, revoked refresh token, denied consent): sign in again. */
export class UpstreamRefusedError extends Error {
  constructor(
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

export class UpstreamOAuth {
  readonly #settings: UpstreamSettings;
  readonly #issuer: URL;
  readonly #client: oauth.Client;
  readonly #auth: oauth.ClientAuth;
  readonly #insecure: boolean;
  #as: Promise<oauth.AuthorizationServer> | undefined;

  constructor(settings: UpstreamSettings) {
    this.#settings = settings;
    this.#issuer = new URL(settings.issuer);
    // Plain http is tolerated only for a loopback issuer: the local sandbox.
    this.#insecure = this.#issuer.protocol === 'http:' && isLoopbackHost(this.#issuer.hostname);
    if (this.#issuer.protocol !== 'https:' && !this.#insecure) {
      throw new Error('G8_OAUTH_ISSUER must be https (plain http only for a loopback sandbox)');
    }
    this.#client = { client_id: settings.clientId };
    this.#auth = settings.clientSecret ? oauth.ClientSecretPost(settings.clientSecret) : oauth.None();
  }

  get issuer(): string {
    return this.#issuer.href;
  }

  #options() {
    const timeout = this.#settings.timeoutMs ?? 10_000;
    return { signal: () => AbortSignal.timeout(timeout), [oauth.allowInsecureRequests]: this.#insecure };
  }

  /** RFC 8414 discovery, once; a failure is forgotten so the next sign-in retries it. */
  metadata(): Promise<oauth.AuthorizationServer> {
    this.#as ??= (async () => {
      const res = await oauth.discoveryRequest(this.#issuer, { algorithm: 'oauth2', ...this.#options() });
      return oauth.processDiscoveryResponse(this.#issuer, res);
    })().catch((error: unknown) => {
      this.#as = undefined;
      throw error;
    });
    return this.#as;
  }

  /** The origin the consent page's form may hand the browser to (CSP form-action). */
  async authorizationOrigin(): Promise<string> {
    const as = await this.metadata();
    return new URL(as.authorization_endpoint ?? this.#issuer).origin;
  }

  /** Where to send the browser, with a fresh PKCE pair whose verifier the caller keeps. */
  async authorizationUrl(state: string, verifier: string): Promise<URL> {
    const as = await this.metadata();
    if (!as.authorization_endpoint) throw new Error('the upstream issuer has no authorization endpoint');
    const url = new URL(as.authorization_endpoint);
    url.searchParams.set('client_id', this.#client.client_id);
    url.searchParams.set('redirect_uri', this.#settings.redirectUri);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
    url.searchParams.set('code_challenge_method', 'S256');
    url.searchParams.set('state', state);
    if (this.#settings.scopes) url.searchParams.set('scope', this.#settings.scopes);
    return url;
  }

  /** Validates the callback (state, iss, error) and redeems the code. */
  async exchange(callback: URL, expectedState: string, verifier: string): Promise<UpstreamTokens> {
    const as = await this.metadata();
    let params: URLSearchParams;
    try {
      params = oauth.validateAuthResponse(as, this.#client, callback, expectedState);
    } catch (error) {
      if (error instanceof oauth.AuthorizationResponseError) {
        throw new UpstreamRefusedError(error.error, error.error_description ?? error.error);
      }
      throw error;
    }
    const issuedAt = Date.now();
    try {
      const res = await oauth.authorizationCodeGrantRequest(
        as,
        this.#client,
        this.#auth,
        params,
        this.#settings.redirectUri,
        verifier,
        this.#options(),
      );
      return tokensFrom(await oauth.processAuthorizationCodeResponse(as, this.#client, res), issuedAt);
    } catch (error) {
      throw refused(error);
    }
  }

  async refresh(refreshToken: string): Promise<UpstreamTokens> {
    const as = await this.metadata();
    const issuedAt = Date.now();
    try {
      const res = await oauth.refreshTokenGrantRequest(
        as,
        this.#client,
        this.#auth,
        refreshToken,
        this.#options(),
      );
      return tokensFrom(await oauth.processRefreshTokenResponse(as, this.#client, res), issuedAt);
    } catch (error) {
      throw refused(error);
    }
  }

  /** Best effort (RFC 7009): tells the upstream a token is no longer needed. */
  async revoke(token: string): Promise<void> {
    const as = await this.metadata();
    if (!as.revocation_endpoint) return;
    const res = await oauth.revocationRequest(as, this.#client, this.#auth, token, this.#options());
    await oauth.processRevocationResponse(res);
  }
}

function tokensFrom(res: oauth.TokenEndpointResponse, issuedAt: number): UpstreamTokens {
  return {
    accessToken: res.access_token,
    refreshToken: res.refresh_token,
    expiresAt: typeof res.expires_in === 'number' ? issuedAt + res.expires_in * 1000 : undefined,
    issuedAt,
  };
}

/** OAuth error bodies become UpstreamRefusedError; transport faults stay as they are. */
function refused(error: unknown): unknown {
  if (error instanceof oauth.ResponseBodyError) {
    return new UpstreamRefusedError(error.error, error.error_description ?? error.error);
  }
  return error;
}
