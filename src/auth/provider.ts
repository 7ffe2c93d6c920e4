/**
 * Our OAuthServerProvider for the SDK's mcpAuthRouter: /authorize goes to the consent flow; codes,
 * tokens and revocation go to the TokenService. PKCE is verified by the TokenService itself, after
 * the code is spent, so a failed verifier also burns the code (hence skipLocalPkceValidation).
 */
import { ServerError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type {
  AuthorizationParams,
  OAuthServerProvider,
} from '@modelcontextprotocol/sdk/server/auth/provider.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type {
  OAuthClientInformationFull,
  OAuthTokenRevocationRequest,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import type { Response } from 'express';
import type { ClientRegistry } from './clients.js';
import type { ConsentFlow } from './consent/flow.js';
import type { CredentialVault } from './credentials.js';
import type { TokenService } from './tokens.js';

export class G8OAuthProvider implements OAuthServerProvider {
  readonly skipLocalPkceValidation = true;

  constructor(
    private readonly clients: ClientRegistry,
    private readonly consent: ConsentFlow,
    private readonly tokens: TokenService,
    private readonly vault: CredentialVault,
  ) {}

  get clientsStore(): ClientRegistry {
    return this.clients;
  }

  authorize(client: OAuthClientInformationFull, params: AuthorizationParams, res: Response): Promise<void> {
    return this.consent.begin(client, params, res);
  }

  async challengeForAuthorizationCode(): Promise<string> {
    // Never called while skipLocalPkceValidation is set; refusing beats answering wrongly.
    throw new ServerError('PKCE is verified during the code exchange');
  }

  exchangeAuthorizationCode(
    client: OAuthClientInformationFull,
    code: string,
    codeVerifier?: string,
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
    client: OAuthClientInformationFull,
    refreshToken: string,
    scopes?: string[],
    resource?: URL,
  ): Promise<OAuthTokens> {
    return this.tokens.refresh({ clientId: client.client_id, refreshToken, scopes, resource });
  }

  verifyAccessToken(token: string): Promise<AuthInfo> {
    return this.tokens.verify(token);
  }

  async revokeToken(client: OAuthClientInformationFull, request: OAuthTokenRevocationRequest): Promise<void> {
    const grantId = await this.tokens.revoke(client.client_id, request.token);
    if (grantId) await this.vault.revokeUpstream(grantId);
  }
}
