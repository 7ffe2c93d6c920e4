/**
 * The request pipeline every /api/v1 route runs through, in the contract's order (§1.5, §3.7):
 * request id → route (404/405) → 401 auth → 429 rate limit → 403 org headers → 403 scope →
 * 422 body parse → 400 Idempotency-Key → handler in a transaction → response → request_log.
 * Nothing a client sends can crash the process: every failure becomes a JSON response.
 */
import type { Request, Response } from 'express';
import { type Ctx, type Db, HttpError, type Principal, type Reply } from '../module.js';
import { type Authenticated, applyOrgHeaders, authenticate } from './auth.js';
import { parseJsonBody, readRawBody } from './body.js';
import { makeCredits, makeOutbox } from './effects.js';
import { findCached, idempotencyKey, storeCached } from './idempotency.js';
import type { RateLimiter } from './rate-limit.js';
import { requestIdFor } from './request-id.js';
import { recordRequest } from './request-log.js';
import type { Router } from './router.js';
import { grants } from './scopes.js';
import { inTransaction, type Serial } from './serial.js';

export type ScopeMode = 'enforce' | 'soak';

export interface KernelDeps {
  readonly db: Db;
  readonly router: Router;
  readonly limiter: RateLimiter;
  readonly scopeMode: ScopeMode;
  readonly serial: Serial;
  readonly log: (line: string) => void;
  readonly now: () => number;
}

/** Scopes enforced even in soak mode (§1.9: launch is always enforced). */
const ALWAYS_ENFORCED = new Set(['campaigns:launch']);

interface Outcome {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

function queryOf(url: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const search = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  for (const [name, value] of new URLSearchParams(search)) {
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/** Typed bodies (the ones with `type`, §1.5 c) repeat the request id. */
function withRequestId(body: unknown, requestId: string): unknown {
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'type' in body) {
    return { ...body, request_id: (body as { request_id?: unknown }).request_id ?? requestId };
  }
  return body;
}

export function apiHandler(deps: KernelDeps) {
  const { db, router, limiter, log, now } = deps;

  return async function handle(req: Request, res: Response): Promise<void> {
    const started = now();
    // The app's first middleware already chose the id (so non-API responses carry it too).
    const requestId =
      typeof res.locals.requestId === 'string'
        ? res.locals.requestId
        : requestIdFor(req.headers['x-request-id']);
    const fullPath = (req.originalUrl.split('?')[0] ?? '/').replace(/\/+$/, '') || '/';
    const apiPath = fullPath.replace(/^\/api\/v1/, '') || '/';
    const method = req.method.toUpperCase();
    const headers: Record<string, string> = {};
    const who: { authed: Authenticated | null; principal: Principal | null } = {
      authed: null,
      principal: null,
    };

    /** Everything after the body is read; runs inside the serial queue (see serial.ts). */
    const process = async (raw: Buffer | null): Promise<Outcome> => {
      if (raw === null) return { status: 413, body: { detail: 'Request body too large' }, headers: {} };

      const match = router.match(method, apiPath);
      if (match.kind === 'not-found') return { status: 404, body: { detail: 'Not Found' }, headers: {} };
      if (match.kind === 'method-not-allowed') {
        return {
          status: 405,
          body: { detail: 'Method Not Allowed' },
          headers: { Allow: match.allowed.join(', ') },
        };
      }
      const { route, params } = match;

      const authed = authenticate(db, req.headers.authorization, now());
      who.authed = authed;
      const rate = limiter.check(authed.key.org_id, now());
      Object.assign(headers, rate.headers);
      if (!rate.allowed) {
        return { status: 429, body: { detail: 'Rate limit exceeded. Please slow down.' }, headers: {} };
      }
      const principal = applyOrgHeaders(db, authed, req.headers);
      who.principal = principal;

      if (route.scope !== null && !grants(principal.scopes, route.scope)) {
        if (deps.scopeMode === 'enforce' || ALWAYS_ENFORCED.has(route.scope)) {
          throw new HttpError(403, {
            type: 'forbidden',
            code: '403',
            detail: `API key lacks scope ${route.scope}`,
            required_scope: route.scope,
          });
        }
        log(`sandbox: scope soak: key ${principal.keyId} lacks ${route.scope} for ${method} ${route.path}`);
      }

      const body = method === 'GET' || method === 'DELETE' ? undefined : parseJsonBody(raw);
      const idemKey = method === 'POST' ? idempotencyKey(req.headers['idempotency-key']) : undefined;
      const orgId = principal.orgId;
      if (idemKey !== undefined) {
        const cached = findCached(db, orgId, idemKey, now());
        if (cached)
          return { status: cached.status, body: cached.body, headers: { 'Idempotent-Replay': 'true' } };
      }

      const ctx: Ctx = {
        db,
        req: { method, path: apiPath, params, query: queryOf(req.originalUrl), body, headers: req.headers },
        auth: principal,
        requestId,
        now,
        credits: makeCredits(db, orgId, requestId, now),
        outbox: makeOutbox(db, orgId, now),
      };
      let reply: Reply;
      try {
        reply = await inTransaction(db, async () => {
          const r = await route.handler(ctx);
          // Cached in the same transaction as the effect, so a crash cannot split them.
          if (idemKey !== undefined && r.status < 500) {
            storeCached(
              db,
              orgId,
              idemKey,
              { status: r.status, body: r.replayBody ?? r.body ?? null },
              now(),
            );
          }
          return r;
        });
      } catch (error) {
        // A refused request is a completed response too (§1.7: the first response wins); server
        // faults are not cached, so a retry can still succeed.
        if (error instanceof HttpError && idemKey !== undefined && error.status < 500) {
          storeCached(
            db,
            orgId,
            idemKey,
            { status: error.status, body: withRequestId(error.body, requestId) },
            now(),
          );
        }
        throw error;
      }
      return { status: reply.status, body: reply.body ?? null, headers: { ...(reply.headers ?? {}) } };
    };

    const settle = async (raw: Buffer | null): Promise<Outcome> => {
      let outcome: Outcome;
      try {
        outcome = await process(raw);
      } catch (error) {
        if (error instanceof HttpError) {
          outcome = { status: error.status, body: error.body, headers: { ...error.headers } };
        } else {
          const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
          log(`sandbox: unhandled error in ${method} ${apiPath} (${requestId}): ${stack}`);
          outcome = { status: 500, body: { detail: 'Internal server error' }, headers: {} };
        }
      }
      try {
        recordRequest(db, {
          requestId,
          orgId: who.principal?.orgId ?? who.authed?.key.org_id ?? null,
          keyId: who.authed?.key.id ?? null,
          method,
          path: fullPath,
          status: outcome.status,
          timestamp: new Date(started).toISOString(),
          durationMs: Math.max(0, now() - started),
        });
      } catch (error) {
        log(`sandbox: request_log write failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      return outcome;
    };

    let raw: Buffer | null;
    try {
      raw = await readRawBody(req);
    } catch {
      return; // the client went away mid-body; there is nobody to answer
    }
    // One request at a time from here: every write (last_used_at, effects, request_log) lands in
    // the right transaction.
    const outcome = await deps.serial.run(() => settle(raw));
    log(`${method} ${fullPath} ${outcome.status} ${Math.max(0, now() - started)}ms ${requestId}`);

    if (res.headersSent) return;
    res.status(outcome.status);
    res.set({ ...headers, ...outcome.headers, 'X-Request-Id': requestId });
    res.type('application/json');
    res.send(JSON.stringify(withRequestId(outcome.body, requestId)));
  };
}
