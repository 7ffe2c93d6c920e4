/**
 * POST /token (OAuth 2.1 §3.2): the authorization_code grant (PKCE verifier required) and the
 * refresh_token grant, nothing else. Form-encoded only, as the RFC says; the client is found by
 * authenticateClient before the grant is looked at, so an unknown client is invalid_client
 * whatever else is wrong.
 */
import express, { type Request, type Response } from 'express';
import * as z from 'zod';
import { metrics } from '../../ops/metrics.js';
import { ServerError, UnsupportedGrantTypeError } from '../errors.js';
import type { OAuthServerProvider } from '../provider.js';
import {
  allowedMethods,
  authenticateClient,
  type ClientLocals,
  limit,
  openCors,
  parseOr,
  type RateLimitOption,
  sendOAuthError,
} from './shared.js';

const TokenRequestSchema = z.object({ grant_type: z.string() });

const AuthorizationCodeGrantSchema = z.object({
  code: z.string(),
  code_verifier: z.string(),
  redirect_uri: z.string().optional(),
  resource: z.string().url().optional(),
});

const RefreshTokenGrantSchema = z.object({
  refresh_token: z.string(),
  scope: z.string().optional(),
  resource: z.string().url().optional(),
});

export interface TokenOptions {
  readonly provider: OAuthServerProvider;
  readonly rateLimit: RateLimitOption;
}

export function tokenEndpoint(opts: TokenOptions): express.Router {
  const { provider } = opts;
  const router = express.Router();
  router.use(openCors());
  router.use(allowedMethods(['POST']));
  router.use(express.urlencoded({ extended: false }));
  router.use(limit(opts.rateLimit, 15 * 60_000, 50, 'token requests'));
  router.use(authenticateClient(provider.clientsStore));
  router.post('/', async (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    try {
      const { grant_type } = parseOr(TokenRequestSchema, req.body);
      const { client } = res.locals as Partial<ClientLocals>;
      if (!client) throw new ServerError('Internal Server Error');
      switch (grant_type) {
        case 'authorization_code': {
          const grant = parseOr(AuthorizationCodeGrantSchema, req.body);
          // The provider checks the verifier against the stored challenge (S256) as it spends the code.
          const tokens = await provider.exchangeAuthorizationCode(
            client,
            grant.code,
            grant.code_verifier,
            grant.redirect_uri,
            grant.resource ? new URL(grant.resource) : undefined,
          );
          metrics.oauth('sign_in');
          res.status(200).json(tokens);
          return;
        }
        case 'refresh_token': {
          const grant = parseOr(RefreshTokenGrantSchema, req.body);
          const tokens = await provider.exchangeRefreshToken(
            client,
            grant.refresh_token,
            grant.scope?.split(' '),
            grant.resource ? new URL(grant.resource) : undefined,
          );
          metrics.oauth('refresh');
          res.status(200).json(tokens);
          return;
        }
        default:
          throw new UnsupportedGrantTypeError(
            'The grant type is not supported by this authorization server.',
          );
      }
    } catch (error) {
      sendOAuthError(res, error);
    }
  });
  return router;
}
