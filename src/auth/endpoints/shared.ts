/**
 * What the OAuth endpoints share: the method allow-list (405 + Allow), open CORS, per-IP rate
 * limits, client authentication and the error answer. Every piece keeps the v1 SDK router's
 * observable behaviour (status, headers, body, and the order the checks run in), because clients
 * in the field were written against it.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import * as z from 'zod';
import { metrics } from '../../ops/metrics.js';
import { safeEqual } from '../crypto.js';
import {
  InvalidClientError,
  InvalidRequestError,
  MethodNotAllowedError,
  OAuthError,
  ServerError,
  TooManyRequestsError,
} from '../errors.js';
import type { ClientsStore, OAuthClient } from '../provider.js';

/**
 * Per-endpoint rate limits: in this process by default; `store` counts them elsewhere (Redis,
 * shared by every replica), one store per limiter, named after it; `false` turns them off (tests).
 */
export type RateLimitOption = false | undefined | { readonly store: (name: string) => Store };

/** 400 for a refusal, 429 (+ Retry-After) when busy, 500 for ServerError or anything else. */
export function sendOAuthError(res: Response, error: unknown): void {
  const endpoint = /^\/(authorize|token|register|revoke)$/.exec(res.req.baseUrl)?.[1] ?? 'oauth';
  metrics.oauthRefused(endpoint, error instanceof OAuthError ? error.code : 'server_error');
  if (error instanceof TooManyRequestsError) {
    res.status(429).set('Retry-After', '1').json(error.toResponseObject());
    return;
  }
  if (error instanceof OAuthError) {
    res.status(error instanceof ServerError ? 500 : 400).json(error.toResponseObject());
    return;
  }
  res.status(500).json(new ServerError('Internal Server Error').toResponseObject());
}

export function allowedMethods(methods: readonly string[]): RequestHandler {
  return (req, res, next) => {
    if (methods.includes(req.method)) {
      next();
      return;
    }
    const error = new MethodNotAllowedError(`The method ${req.method} is not allowed for this endpoint`);
    res.status(405).set('Allow', methods.join(', ')).json(error.toResponseObject());
  };
}

/**
 * Any origin may call (browser-based MCP clients): the `cors` package's defaults, which v1 used.
 * A preflight is answered here (204), reflecting the requested headers.
 */
export function openCors(): RequestHandler {
  return (req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.method !== 'OPTIONS') {
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Methods', 'GET,HEAD,PUT,PATCH,POST,DELETE');
    res.vary('Access-Control-Request-Headers');
    const requested = req.headers['access-control-request-headers'];
    if (requested) res.setHeader('Access-Control-Allow-Headers', requested);
    res.statusCode = 204;
    res.setHeader('Content-Length', '0');
    res.end();
  };
}

/** A fixed window per client IP (behind a proxy, `trust proxy` decides what the IP is). */
export function limit(option: RateLimitOption, windowMs: number, max: number, what: string): RequestHandler {
  if (option === false) return (_req, _res, next) => next();
  return rateLimit({
    windowMs,
    max,
    standardHeaders: true,
    legacyHeaders: false,
    message: new TooManyRequestsError(`You have exceeded the rate limit for ${what}`).toResponseObject(),
    ...(option ? { store: option.store(what.replaceAll(' ', '-')) } : {}),
  });
}

const ClientCredentialsSchema = z.object({
  client_id: z.string(),
  client_secret: z.string().optional(),
});

/** Locals an authenticated request carries to its handler. */
export interface ClientLocals {
  client: OAuthClient;
}

/**
 * /token and /revoke: the client named in the form body. Our clients are all public, so this only
 * finds the client; a client with a secret (none today) would have to present it, as in v1.
 */
export function authenticateClient(clients: ClientsStore): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const parsed = ClientCredentialsSchema.safeParse(req.body);
      if (!parsed.success) throw new InvalidRequestError(String(parsed.error));
      const { client_id, client_secret } = parsed.data;
      const client = await clients.getClient(client_id, req.ip);
      if (!client) throw new InvalidClientError('Invalid client_id');
      if (client.client_secret) {
        if (!client_secret) throw new InvalidClientError('Client secret is required');
        if (!safeEqual(client.client_secret, client_secret)) {
          throw new InvalidClientError('Invalid client_secret');
        }
        const expiry = client.client_secret_expires_at;
        if (expiry && expiry < Math.floor(Date.now() / 1000)) {
          throw new InvalidClientError('Client secret has expired');
        }
      }
      (res.locals as ClientLocals).client = client;
      next();
    } catch (error) {
      sendOAuthError(res, error);
    }
  };
}

/** The parsed request, or InvalidRequestError carrying zod's message (v1's error_description). */
export function parseOr<T>(
  schema: z.ZodType<T>,
  input: unknown,
  fail: new (message: string) => OAuthError = InvalidRequestError,
): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new fail(parsed.error.message);
  return parsed.data;
}
