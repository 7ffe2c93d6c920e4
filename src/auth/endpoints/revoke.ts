/**
 * POST /revoke (RFC 7009): form-encoded, the client found as at /token. An unknown token, or
 * another client's, is still a 200 (§2.2): the answer must not tell a caller which tokens exist.
 */
import { OAuthTokenRevocationRequestSchema } from '@modelcontextprotocol/core';
import express, { type Request, type Response } from 'express';
import { ServerError } from '../errors.js';
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

export interface RevokeOptions {
  readonly provider: OAuthServerProvider;
  readonly rateLimit: RateLimitOption;
}

export function revokeEndpoint(opts: RevokeOptions): express.Router {
  const router = express.Router();
  router.use(openCors());
  router.use(allowedMethods(['POST']));
  router.use(express.urlencoded({ extended: false }));
  router.use(limit(opts.rateLimit, 15 * 60_000, 50, 'token revocation requests'));
  router.use(authenticateClient(opts.provider.clientsStore));
  router.post('/', async (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    try {
      const request = parseOr(OAuthTokenRevocationRequestSchema, req.body);
      const { client } = res.locals as Partial<ClientLocals>;
      if (!client) throw new ServerError('Internal Server Error');
      await opts.provider.revokeToken(client, request);
      res.status(200).json({});
    } catch (error) {
      sendOAuthError(res, error);
    }
  });
  return router;
}
