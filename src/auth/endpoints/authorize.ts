/**
 * GET/POST /authorize (OAuth 2.1 §4.1.1). Two phases, as in RFC 6749 §4.1.2.1: until client_id
 * and redirect_uri are known good, a refusal is answered here — an error page for a browser, the
 * OAuth error as JSON for anything else — and never redirected: the redirect target is not trusted
 * yet. "Known good" includes the redirect URI itself passing today's rules (redirects.ts), so a
 * client stored under older, looser rules is never redirected to a scheme now refused. After
 * that, every refusal goes back to the client's redirect_uri with `error`, `error_description`
 * and its `state`.
 */
import express, { type Request, type Response } from 'express';
import * as z from 'zod';
import { pageHeaders, renderMessage } from '../consent/page.js';
import {
  InvalidClientError,
  InvalidRequestError,
  OAuthError,
  ServerError,
  TooManyRequestsError,
} from '../errors.js';
import type { OAuthClient, OAuthServerProvider } from '../provider.js';
import { redirectProblem, redirectUriMatches } from '../redirects.js';
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
  requester: string | undefined,
): Promise<{ client: OAuthClient; redirectUri: string }> {
  const { client_id, redirect_uri } = parseOr(ClientParamsSchema, params);
  const client = await provider.clientsStore.getClient(client_id, requester);
  if (!client) throw new InvalidClientError('Invalid client_id');
  let target: string;
  if (redirect_uri !== undefined) {
    if (!client.redirect_uris.some((registered) => redirectUriMatches(redirect_uri, registered))) {
      throw new InvalidRequestError('Unregistered redirect_uri');
    }
    target = redirect_uri;
  } else {
    const only = client.redirect_uris.length === 1 ? client.redirect_uris[0] : undefined;
    if (only === undefined) {
      throw new InvalidRequestError(
        'redirect_uri must be specified when client has multiple registered URIs',
      );
    }
    target = only;
  }
  if (redirectProblem(target) !== undefined) {
    throw new InvalidRequestError('The redirect_uri registered for this client is not allowed');
  }
  return { client, redirectUri: target };
}

/** Phase 1 refusal: a page for a browser (it must not be sent on anywhere), else the JSON error. */
function refuseHere(req: Request, res: Response, error: unknown): void {
  if (req.accepts(['json', 'html']) !== 'html') {
    sendOAuthError(res, error);
    return;
  }
  const known = error instanceof OAuthError ? error : new ServerError('Internal Server Error');
  const status = known instanceof TooManyRequestsError ? 429 : known instanceof ServerError ? 500 : 400;
  if (status === 429) res.setHeader('Retry-After', '1');
  res
    .status(status)
    .set(pageHeaders([]))
    .type('html')
    .send(
      renderMessage(
        'Sign-in request refused',
        `This sign-in request cannot be completed: ${known.message} (${known.code}). Start again from your app; if it keeps happening, the app is misconfigured.`,
      ),
    );
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
      found = await knownClient(opts.provider, params, req.ip);
    } catch (error) {
      refuseHere(req, res, error);
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
      if (res.headersSent) return;
      const reported = error instanceof OAuthError ? error : new ServerError('Internal Server Error');
      res.redirect(302, errorRedirect(found.redirectUri, reported, state));
    }
  });
  return router;
}
