/** The consent flow's own endpoints (GET /authorize itself is endpoints/authorize.ts, calling the provider). */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ConsentFlow } from './flow.js';

function run(step: (req: Request, res: Response) => Promise<void>) {
  return (req: Request, res: Response, next: NextFunction): void => {
    step(req, res).catch(next);
  };
}

export function consentRouter(flow: ConsentFlow): express.Router {
  const router = express.Router();
  router.post(
    '/authorize/consent',
    express.urlencoded({ extended: false, limit: '16kb' }),
    run((req, res) => flow.submit(req, res)),
  );
  router.get(
    '/oauth/callback',
    run((req, res) => flow.callback(req, res)),
  );
  return router;
}
