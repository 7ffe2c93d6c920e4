/**
 * What the OAuth endpoints (./endpoints) need from the authorization server, and our one
 * implementation: /authorize goes to the consent flow; codes, tokens and revocation go to the
 * TokenService. PKCE is verified by the TokenService itself, after the code is spent, so a failed
 * verifier also burns the code; the /token endpoint therefore only checks a verifier was sent.
 */
import type {
  OAuthClientInformationFull,
  OAuthTokenRevocationRequest,
  OAuthTokens,
} from '@modelcontextprotocol/server';
import type { Response } from 'express';
import type { ClientRegistry } from './clients.js';
import type { ConsentFlow } from './consent/flow.js';
import type { CredentialVault } from './credentials.js';
import type { TokenService } from './tokens.js';

export type OAuthClient = OAuthClientInformationFull;

/** A validated authorization request: client_id and redirect_uri already checked. */
export interface AuthorizationParams {
  readonly state?: string | undefined;
  readonly scopes?: string[] | undefined;
  readonly codeChallenge: string;
  readonly redirectUri: string;
  readonly resource?: URL | undefined;
}

export interface ClientsStore {
  /** `requester`: the HTTP client's address, which bounds the metadata-document fetches it causes. */
  getClient(clientId: string, requester?: string): Promise<OAuthClient | undefined>;
  /** RFC 7591: `client` is the validated metadata with a fresh client_id; returns what is kept. */
  registerClient(client: OAuthClient): Promise<OAuthClient>;
}

export interface OAuthServerProvider {
  readonly clientsStore: ClientsStore;
  /** Answers the browser (consent page, or a redirect); throws an OAuthError to refuse. */
  authorize(client: OAuthClient, params: AuthorizationParams, res: Response): Promise<void>;
  exchangeAuthorizationCode(
    client: OAuthClient,
    code: string,
    codeVerifier: string,
    redirectUri?: string,
    resource?: URL,
  ): Promise<OAuthTokens>;
  exchangeRefreshToken(
    client: OAuthClient,
    refreshToken: string,
    scopes?: string[],
    resource?: URL,
  ): Promise<OAuthTokens>;
  revokeToken(client: OAuthClient, request: OAuthTokenRevocationRequest): Promise<void>;
}

export class G8OAuthProvider implements OAuthServerProvider {
  constructor(
    private readonly clients: ClientRegistry,
    private readonly consent: ConsentFlow,
    private readonly tokens: TokenService,
    private readonly vault: CredentialVault,
  ) {}

  get clientsStore(): ClientRegistry {
    return this.clients;
  }

  authorize(client: OAuthClient, params: AuthorizationParams, res: Response): Promise<void> {
    return this.consent.begin(client, params, res);
  }

  exchangeAuthorizationCode(
    client: OAuthClient,
    code: string,
    codeVerifier: string,
    redirectUri?: string,
    resource?: URL,
  ): Promise<OAuthTokens> {
    return this.tokens.exchangeCode({
      clientId: client.client_id,
      code,
      codeVerifier,
      redirectUri,
      resource,
    });
  }

  exchangeRefreshToken(
    client: OAuthClient,
    refreshToken: string,
    scopes?: string[],
    resource?: URL,
  ): Promise<OAuthTokens> {
    return this.tokens.refresh({ clientId: client.client_id, refreshToken, scopes, resource });
  }

  async revokeToken(client: OAuthClient, request: OAuthTokenRevocationRequest): Promise<void> {
    const grantId = await this.tokens.revoke(client.client_id, request.token);
    if (grantId) await this.vault.revokeUpstream(grantId);
  }
}
