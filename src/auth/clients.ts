/**
 * The clients the endpoints ask about: dynamically registered clients (RFC 7591) from the
 * AuthStore, and metadata-document clients (an https client_id) through the resolver.
 *
 * Every client is public (token_endpoint_auth_method "none"): MCP clients are desktop apps and
 * CLIs that cannot keep a secret, PKCE protects the code, and no client secret then needs storing.
 */

import { OAuthClientMetadataSchema } from '@modelcontextprotocol/core';
import type { OAuthClientInformationFull } from '@modelcontextprotocol/server';
import type { ClientMetadataResolver } from './cimd.js';
import { InvalidClientMetadataError } from './errors.js';
import type { ClientsStore } from './provider.js';
import { checkRedirectUris } from './redirects.js';
import type { AuthStore } from './store.js';

const GRANT_TYPES = ['authorization_code', 'refresh_token'];

/**
 * RFC 7591 client metadata as this server reads it (registration and metadata documents).
 * application_type (OpenID DCR, new in the v2 schema) is dropped like any unknown field, as it
 * was: nothing here reads it, and a stored client looks as it did before.
 */
export const ClientMetadataSchema = OAuthClientMetadataSchema.omit({ application_type: true });

export class ClientRegistry implements ClientsStore {
  constructor(
    private readonly store: AuthStore,
    private readonly resolver: ClientMetadataResolver,
    private readonly now: () => number = Date.now,
  ) {}

  async getClient(clientId: string, requester?: string): Promise<OAuthClientInformationFull | undefined> {
    if (this.resolver.handles(clientId)) return this.resolver.resolve(clientId, requester);
    return this.store.getClient(clientId);
  }

  async registerClient(info: OAuthClientInformationFull): Promise<OAuthClientInformationFull> {
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
    // Whatever the client asked for, it is public: no secret is kept or returned.
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
