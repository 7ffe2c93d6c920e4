/**
 * GET/POST /authorize (OAuth 2.1 §4.1.1). Two phases, as in RFC 6749 §4.1.2.1: until client_id
 * and redirect_uri are known good, a refusal is answered here (400 JSON), never redirected — the
 * redirect target is not trusted yet. After that, every refusal goes back to the client's
 * redirect_uri with `error`, `error_description` and its `state`.
 */
import express, { type Request, type Response } from 'express';
import * as z from 'zod';
import { InvalidClientError, InvalidRequestError, OAuthError, ServerError } from '../errors.js';
import type { OAuthClient, OAuthServerProvider } from '../provider.js';
import { redirectUriMatches } from '../redirects.js';
import { allowedMethods, limit, parseOr, type RateLimitOption, sendOAuthError } from './shared.js';

const ClientParamsSchema = z.object({
  client_id: z.string(),
  redirect_uri: z
    .string()
    .optional()
    .refine((value) => value === undefined || URL.canParse(value), {
      message: 'redirect_uri must be a valid URL',
    }),
});

const RequestParamsSchema = z.object({
  response_type: z.literal('code'),
  code_challenge: z.string(),
  // PKCE is required, and only S256 (OAuth 2.1 §4.1.1, MCP authorization).
  code_challenge_method: z.literal('S256'),
  scope: z.string().optional(),
  state: z.string().optional(),
  resource: z.string().url().optional(),
});

export interface AuthorizeOptions {
  readonly provider: OAuthServerProvider;
  readonly rateLimit: RateLimitOption;
}

/** Phase 1: the client and where to send it back, or a direct refusal. */
async function knownClient(
  provider: OAuthServerProvider,
  params: unknown,
): Promise<{ client: OAuthClient; redirectUri: string }> {
  const { client_id, redirect_uri } = parseOr(ClientParamsSchema, params);
  const client = await provider.clientsStore.getClient(client_id);
  if (!client) throw new InvalidClientError('Invalid client_id');
  if (redirect_uri !== undefined) {
    if (!client.redirect_uris.some((registered) => redirectUriMatches(redirect_uri, registered))) {
      throw new InvalidRequestError('Unregistered redirect_uri');
    }
    return { client, redirectUri: redirect_uri };
  }
  const only = client.redirect_uris.length === 1 ? client.redirect_uris[0] : undefined;
  if (only === undefined) {
    throw new InvalidRequestError('redirect_uri must be specified when client has multiple registered URIs');
  }
  return { client, redirectUri: only };
}

function errorRedirect(redirectUri: string, error: OAuthError, state: string | undefined): string {
  const url = new URL(redirectUri);
  url.searchParams.set('error', error.code);
  url.searchParams.set('error_description', error.message);
  if (error.errorUri) url.searchParams.set('error_uri', error.errorUri);
  if (state) url.searchParams.set('state', state);
  return url.href;
}

export function authorizeEndpoint(opts: AuthorizeOptions): express.Router {
  const router = express.Router();
  router.use(allowedMethods(['GET', 'POST']));
  router.use(express.urlencoded({ extended: false }));
  router.use(limit(opts.rateLimit, 15 * 60_000, 100, 'authorization requests'));
  router.all('/', async (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    const params: unknown = req.method === 'POST' ? req.body : req.query;
    let found: Awaited<ReturnType<typeof knownClient>>;
    try {
      found = await knownClient(opts.provider, params);
    } catch (error) {
      sendOAuthError(res, error);
      return;
    }
    let state: string | undefined;
    try {
      const parsed = parseOr(RequestParamsSchema, params);
      state = parsed.state;
      await opts.provider.authorize(
        found.client,
        {
          state,
          scopes: parsed.scope === undefined ? [] : parsed.scope.split(' '),
          redirectUri: found.redirectUri,
          codeChallenge: parsed.code_challenge,
          resource: parsed.resource ? new URL(parsed.resource) : undefined,
        },
        res,
      );
    } catch (error) {
      const reported = error instanceof OAuthError ? error : new ServerError('Internal Server Error');
      res.redirect(302, errorRedirect(found.redirectUri, reported, state));
    }
  });
  return router;
}
