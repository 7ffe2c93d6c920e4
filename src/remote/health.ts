/**
 * /healthz (the process answers) and /readyz (it can serve: the grant store responds). Mounted
 * before the Host check, because orchestrator probes address the pod, not the public name.
 * /readyz also reports each shared engine. Redis down is `degraded`, not unready: every replica
 * shares it, so failing readiness would take them all out of the balancer at once, while limits
 * fall back to each replica's own (confirmations are refused meanwhile).
 */
import express from 'express';

export interface HealthDeps {
  readonly ping: () => Promise<void>;
  readonly sessions: () => number;
  readonly engines?: () => Promise<Record<string, 'ok' | 'unavailable'>>;
}

export function healthRouter(deps: HealthDeps): express.Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    res.set('Cache-Control', 'no-store');
    void Promise.all([
      deps.ping().then(
        () => true,
        () => false,
      ),
      deps.engines?.() ?? {},
    ]).then(([storeOk, engines]) => {
      const shared = Object.keys(engines).length ? { engines } : {};
      if (!storeOk) {
        res.status(503).json({ status: 'unavailable', ...shared });
        return;
      }
      const degraded = Object.values(engines).includes('unavailable');
      res.json({ status: degraded ? 'degraded' : 'ready', sessions: deps.sessions(), ...shared });
    });
  });
  return router;
}
