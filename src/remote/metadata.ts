/**
 * Discovery documents. RFC 9728 protected-resource metadata at both the root and the
 * path-inserted URL (clients try `/.well-known/oauth-protected-resource/mcp` first, then the root),
 * and RFC 8414 authorization-server metadata (metadata-document client ids, the `iss` response
 * parameter, public clients only).
 * Public, cacheable, CORS-open: they hold nothing secret.
 */

import type { OAuthMetadata, OAuthProtectedResourceMetadata } from '@modelcontextprotocol/server';
import express, { type Request, type Response } from 'express';
import { ENDPOINT_PATHS } from '../auth/endpoints/index.js';
import { allowedMethods, openCors } from '../auth/endpoints/shared.js';

export interface MetadataOptions {
  readonly publicUrl: URL;
  readonly canonicalResource: string;
  readonly scopes: readonly string[];
  readonly documentationUrl: string;
}

export function resourceMetadataUrl(publicUrl: URL): string {
  return new URL('/.well-known/oauth-protected-resource/mcp', publicUrl).href;
}

/**
 * RFC 8414 metadata. Key order and values are what clients have been reading (the v1 SDK's
 * document with our overrides): a cached or pinned copy keeps matching byte for byte.
 */
export function authorizationServerMetadata(opts: MetadataOptions): OAuthMetadata {
  const at = (path: string) => new URL(path, opts.publicUrl).href;
  return {
    issuer: opts.publicUrl.href,
    service_documentation: new URL(opts.documentationUrl).href,
    authorization_endpoint: at(ENDPOINT_PATHS.authorize),
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint: at(ENDPOINT_PATHS.token),
    token_endpoint_auth_methods_supported: ['none'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    scopes_supported: [...opts.scopes],
    revocation_endpoint: at(ENDPOINT_PATHS.revoke),
    revocation_endpoint_auth_methods_supported: ['none'],
    registration_endpoint: at(ENDPOINT_PATHS.register),
    client_id_metadata_document_supported: true,
    authorization_response_iss_parameter_supported: true,
  };
}

export function protectedResourceMetadata(opts: MetadataOptions): OAuthProtectedResourceMetadata {
  return {
    resource: opts.canonicalResource,
    authorization_servers: [opts.publicUrl.href],
    scopes_supported: [...opts.scopes],
    bearer_methods_supported: ['header'],
    resource_name: 'graph8 MCP server',
    resource_documentation: opts.documentationUrl,
  };
}

function sendJson(body: object) {
  return (_req: Request, res: Response): void => {
    res.set({ 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'public, max-age=300' }).json(body);
  };
}

export function metadataRouter(opts: MetadataOptions): express.Router {
  const protectedResource = protectedResourceMetadata(opts);
  const documents = express.Router();
  documents.get('/.well-known/oauth-protected-resource', sendJson(protectedResource));
  documents.get('/.well-known/oauth-protected-resource/mcp', sendJson(protectedResource));
  documents.get('/.well-known/oauth-authorization-server', sendJson(authorizationServerMetadata(opts)));

  // Other methods on (and below) the two documents the SDK used to serve: CORS-open 405s, as then.
  // A separate router, so `documents` still answers OPTIONS itself (200 with Allow: GET, HEAD).
  const rsPath = new URL(opts.canonicalResource).pathname;
  const refusals = express.Router();
  for (const path of [
    `/.well-known/oauth-protected-resource${rsPath === '/' ? '' : rsPath}`,
    '/.well-known/oauth-authorization-server',
  ]) {
    refusals.use(path, openCors(), allowedMethods(['GET', 'OPTIONS']));
  }
  const router = express.Router();
  router.use(documents, refusals);
  return router;
}
