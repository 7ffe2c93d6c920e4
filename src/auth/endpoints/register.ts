/**
 * POST /register: dynamic client registration (RFC 7591), JSON in and out, 201 with the client.
 * The metadata is validated here (invalid_client_metadata with zod's account of what is wrong);
 * this server's own rules (redirect URIs, grant types, public clients only) are the registry's.
 */
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { metrics } from '../../ops/metrics.js';
import { ClientMetadataSchema } from '../clients.js';
import { InvalidClientMetadataError } from '../errors.js';
import type { ClientsStore } from '../provider.js';
import { allowedMethods, limit, openCors, parseOr, type RateLimitOption, sendOAuthError } from './shared.js';

export interface RegisterOptions {
  readonly clients: ClientsStore;
  readonly rateLimit: RateLimitOption;
}

export function registerEndpoint(opts: RegisterOptions): express.Router {
  const router = express.Router();
  router.use(openCors());
  router.use(allowedMethods(['POST']));
  router.use(express.json());
  // Stricter than the others: registrations are stored, so they are what an abuser would pile up.
  router.use(limit(opts.rateLimit, 60 * 60_000, 20, 'client registration requests'));
  router.post('/', async (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    try {
      const metadata = parseOr(ClientMetadataSchema, req.body, InvalidClientMetadataError);
      const client = await opts.clients.registerClient({
        ...metadata,
        client_id: randomUUID(),
        client_id_issued_at: Math.floor(Date.now() / 1000),
      });
      metrics.oauth('registration');
      res.status(201).json(client);
    } catch (error) {
      sendOAuthError(res, error);
    }
  });
  return router;
}
