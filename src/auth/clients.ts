/**
 * The clients store the SDK's router asks: dynamically registered clients (RFC 7591) from the
 * AuthStore, and metadata-document clients (an https client_id) through the resolver.
 *
 * Every client is public (token_endpoint_auth_method "none"): MCP clients are desktop apps and
 * CLIs that cannot keep a secret, PKCE protects the code, and no client secret then needs storing.
 */

import type { OAuthRegisteredClientsStore } from '@modelcontextprotocol/sdk/server/auth/clients.js';
import { InvalidClientMetadataError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthClientInformationFull } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { ClientMetadataResolver } from './cimd.js';
import { checkRedirectUris } from './redirects.js';
import type { AuthStore } from './store.js';

const GRANT_TYPES = ['authorization_code', 'refresh_token'];

export class ClientRegistry implements OAuthRegisteredClientsStore {
  constructor(
    private readonly store: AuthStore,
    private readonly resolver: ClientMetadataResolver,
    private readonly now: () => number = Date.now,
  ) {}

  async getClient(clientId: string): Promise<OAuthClientInformationFull | undefined> {
    if (this.resolver.handles(clientId)) return this.resolver.resolve(clientId);
    return this.store.getClient(clientId);
  }

  async registerClient(
    client: Omit<OAuthClientInformationFull, 'client_id' | 'client_id_issued_at'>,
  ): Promise<OAuthClientInformationFull> {
    const info = client as OAuthClientInformationFull;
    checkRedirectUris(info.redirect_uris);
    const grants = info.grant_types ?? GRANT_TYPES;
    if (grants.some((g) => !GRANT_TYPES.includes(g))) {
      throw new InvalidClientMetadataError(`grant_types may only be ${GRANT_TYPES.join(', ')}`);
    }
    if (info.response_types?.some((r) => r !== 'code')) {
      throw new InvalidClientMetadataError('response_types may only be code');
    }
    if ((info.client_name?.length ?? 0) > 200)
      throw new InvalidClientMetadataError('client_name is too long');
    // The SDK minted a secret before calling us; a public client gets none.
    const { client_secret: _secret, client_secret_expires_at: _expiry, ...rest } = info;
    const saved: OAuthClientInformationFull = {
      ...rest,
      grant_types: grants,
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
    await this.store.saveClient(saved, this.now());
    return saved;
  }
}
