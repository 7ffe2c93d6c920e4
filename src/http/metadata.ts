/**
 * Discovery documents. RFC 9728 protected-resource metadata at both the root and the
 * path-inserted URL (clients try `/.well-known/oauth-protected-resource/mcp` first, then the root),
 * and RFC 8414 authorization-server metadata: the SDK's document plus what this server adds
 * (metadata-document client ids, the `iss` response parameter, public clients only).
 * Public, cacheable, CORS-open: they hold nothing secret.
 */

import type { OAuthServerProvider } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import { createOAuthMetadata } from '@modelcontextprotocol/sdk/server/auth/router.js';
import express, { type Request, type Response } from 'express';

export interface MetadataOptions {
  readonly publicUrl: URL;
  readonly canonicalResource: string;
  readonly provider: OAuthServerProvider;
  readonly scopes: readonly string[];
  readonly documentationUrl: string;
}

export function resourceMetadataUrl(publicUrl: URL): string {
  return new URL('/.well-known/oauth-protected-resource/mcp', publicUrl).href;
}

function sendJson(body: object) {
  return (_req: Request, res: Response): void => {
    res.set({ 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'public, max-age=300' }).json(body);
  };
}

export function metadataRouter(opts: MetadataOptions): express.Router {
  const protectedResource = {
    resource: opts.canonicalResource,
    authorization_servers: [opts.publicUrl.href],
    scopes_supported: [...opts.scopes],
    bearer_methods_supported: ['header'],
    resource_name: 'graph8 MCP server',
    resource_documentation: opts.documentationUrl,
  };
  const authorizationServer = {
    ...createOAuthMetadata({
      provider: opts.provider,
      issuerUrl: opts.publicUrl,
      scopesSupported: [...opts.scopes],
      serviceDocumentationUrl: new URL(opts.documentationUrl),
    }),
    token_endpoint_auth_methods_supported: ['none'],
    revocation_endpoint_auth_methods_supported: ['none'],
    client_id_metadata_document_supported: true,
    authorization_response_iss_parameter_supported: true,
  };
  const router = express.Router();
  router.get('/.well-known/oauth-protected-resource', sendJson(protectedResource));
  router.get('/.well-known/oauth-protected-resource/mcp', sendJson(protectedResource));
  router.get('/.well-known/oauth-authorization-server', sendJson(authorizationServer));
  return router;
}
