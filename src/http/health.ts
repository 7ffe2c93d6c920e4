/**
 * /healthz (the process answers) and /readyz (it can serve: the grant store responds). Mounted
 * before the Host check, because orchestrator probes address the pod, not the public name.
 */
import express from 'express';

export interface HealthDeps {
  readonly ping: () => Promise<void>;
  readonly sessions: () => number;
}

export function healthRouter(deps: HealthDeps): express.Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    deps.ping().then(
      () => res.set('Cache-Control', 'no-store').json({ status: 'ready', sessions: deps.sessions() }),
      () => res.status(503).set('Cache-Control', 'no-store').json({ status: 'unavailable' }),
    );
  });
  return router;
}
