/**
 * The authorization server's endpoints, at the paths the metadata document names (metadata.ts).
 * Mounted with `use`, so each endpoint's method check also covers paths below it (a PUT to
 * /token/x is a 405, a GET of /token/x a 404), as under the v1 SDK's router.
 */
import express from 'express';
import type { OAuthServerProvider } from '../provider.js';
import { authorizeEndpoint } from './authorize.js';
import { registerEndpoint } from './register.js';
import { revokeEndpoint } from './revoke.js';
import type { RateLimitOption } from './shared.js';
import { tokenEndpoint } from './token.js';

export type { RateLimitOption } from './shared.js';

export const ENDPOINT_PATHS = {
  authorize: '/authorize',
  token: '/token',
  register: '/register',
  revoke: '/revoke',
} as const;

export interface OAuthEndpointsOptions {
  readonly provider: OAuthServerProvider;
  readonly rateLimit: RateLimitOption;
}

export function oauthEndpoints(opts: OAuthEndpointsOptions): express.Router {
  const { provider, rateLimit } = opts;
  const router = express.Router();
  router.use(ENDPOINT_PATHS.authorize, authorizeEndpoint({ provider, rateLimit }));
  router.use(ENDPOINT_PATHS.token, tokenEndpoint({ provider, rateLimit }));
  router.use(ENDPOINT_PATHS.register, registerEndpoint({ clients: provider.clientsStore, rateLimit }));
  router.use(ENDPOINT_PATHS.revoke, revokeEndpoint({ provider, rateLimit }));
  return router;
}
