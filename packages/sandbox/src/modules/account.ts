/**
 * §3 routes: key introspection (GET /me), key management (list, scope catalogue, mint, revoke,
 * rotate) and the request log (GET /logs).
 */
import { z } from 'zod';
import { type ApiKeyRow, insertKey, type KeyMode, keyScopes, publicKey } from '../kernel/keys.js';
import { recentRequests } from '../kernel/request-log.js';
import { covers, grants, scopeCatalogue, scopeProblem } from '../kernel/scopes.js';
import {
  type Ctx,
  type Db,
  fail,
  HttpError,
  ok,
  parse,
  type Reply,
  type Route,
  type SandboxModule,
} from '../module.js';
import { oauthKeyRowById } from '../oauth/tokens.js';
import { queryInt } from '../util/query.js';
import { epochSeconds } from '../util/time.js';

function callerKey(ctx: Ctx): ApiKeyRow {
  const row =
    ctx.db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE id = ?').get(ctx.auth.keyId) ??
    oauthKeyRowById(ctx.db, ctx.auth.keyId); // a sandbox OAuth sign-in (oauth/)
  // The kernel authenticated this key a moment ago in the same serial slot; absence is a bug.
  if (!row) throw new Error(`authenticated key ${ctx.auth.keyId} vanished`);
  return row;
}

/** Org keys administer keys; personal keys only when their user is an org admin (§3). */
function isKeyAdmin(db: Db, key: ApiKeyRow): boolean {
  if (key.user_email === null) return true;
  const user = db
    .prepare<[string, string], { role: string }>(
      'SELECT role FROM users WHERE org_id = ? AND lower(email) = lower(?)',
    )
    .get(key.org_id, key.user_email);
  return user?.role === 'admin';
}

function forbidden(detail: string): HttpError {
  return new HttpError(403, { detail });
}

function mayManage(db: Db, caller: ApiKeyRow, target: ApiKeyRow): boolean {
  if (isKeyAdmin(db, caller)) return true;
  return target.user_email !== null && caller.user_email?.toLowerCase() === target.user_email.toLowerCase();
}

function findKey(ctx: Ctx): ApiKeyRow {
  const id = ctx.req.params.api_key_id ?? '';
  const row = ctx.db
    .prepare<[string, string], ApiKeyRow>('SELECT * FROM api_keys WHERE id = ? AND org_id = ?')
    .get(id, ctx.auth.orgId);
  if (!row) throw fail.notFound('API key not found');
  return row;
}

/**
 * 201 with the token, once. An Idempotency-Key replay gets the same record with the token
 * withheld, because the replay cache must not hold a usable credential in plain text.
 */
function minted(data: Record<string, unknown>): Reply {
  return {
    status: 201,
    body: { data },
    replayBody: { data: { ...data, api_key_token: null, token: null, token_withheld: true } },
  };
}

function createdView(row: ApiKeyRow, token: string) {
  const view = publicKey(row);
  return {
    api_key_id: row.id,
    api_key_token: token,
    token,
    name: row.name,
    mode: row.mode,
    scopes: view.scopes,
    is_agency: view.is_agency,
    created_at: row.created_at,
    expires_at: row.expires_at,
  };
}

const CreateKey = z.object({
  name: z.string().min(1).max(128),
  // mode and scopes are checked by hand: the contract answers 400 (not 422) for a bad mode or scope.
  mode: z.string().optional(),
  scopes: z.array(z.string()).optional(),
  is_agency: z.boolean().optional(),
  expires_in_days: z.number().int().min(1).max(365).optional(),
});

export function accountModule(allRoutes: () => readonly Route[]): SandboxModule {
  const me: Route = {
    method: 'GET',
    path: '/me',
    scope: null,
    summary: 'Describe the calling API key',
    handler(ctx) {
      const key = callerKey(ctx);
      const org = ctx.db
        .prepare<[string], { name: string; is_agency: number }>(
          'SELECT name, is_agency FROM orgs WHERE id = ?',
        )
        .get(ctx.auth.orgId);
      const routes = allRoutes();
      return ok({
        api_key_id: key.id,
        name: key.name,
        key_mode: key.mode,
        principal: { type: key.user_email === null ? 'org' : 'personal', user_email: key.user_email },
        org_id: ctx.auth.orgId,
        org_name: org?.name ?? null,
        is_agency: key.is_agency === 1,
        unrestricted: ctx.auth.scopes.length === 0,
        scopes: [...ctx.auth.scopes],
        created_at: key.created_at,
        expires_at: key.expires_at,
        operations: {
          reachable: routes.filter((r) => r.scope === null || grants(ctx.auth.scopes, r.scope)).length,
          total: routes.length,
        },
      });
    },
  };

  const listKeys: Route = {
    method: 'GET',
    path: '/api-keys',
    scope: 'account:read',
    summary: "List the org's API keys (never tokens)",
    handler(ctx) {
      const rows = ctx.db
        .prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE org_id = ? ORDER BY created_at DESC, id')
        .all(ctx.auth.orgId);
      return ok({ keys: rows.map(publicKey), total: rows.length });
    },
  };

  const scopes: Route = {
    method: 'GET',
    path: '/api-keys/scopes',
    scope: 'account:read',
    summary: 'Scope vocabulary a key can be granted',
    handler: () => ok(scopeCatalogue()),
  };

  const create: Route = {
    method: 'POST',
    path: '/api-keys',
    scope: 'account:write',
    summary: 'Mint an API key (the token is shown once)',
    handler(ctx) {
      const caller = callerKey(ctx);
      if (!isKeyAdmin(ctx.db, caller)) throw forbidden('Only org admins can mint API keys');
      const input = parse(CreateKey, ctx.req.body, 'body');
      const mode = input.mode ?? 'live';
      if (mode !== 'live' && mode !== 'test')
        throw fail.badRequest(`Invalid mode: ${mode} (use live or test)`);
      const requested = [...new Set(input.scopes ?? [])];
      for (const scope of requested) {
        const problem = scopeProblem(scope);
        if (problem) throw fail.badRequest(problem);
      }
      const org = ctx.db
        .prepare<[string], { is_agency: number }>('SELECT is_agency FROM orgs WHERE id = ?')
        .get(ctx.auth.orgId);
      if (input.is_agency === true && org?.is_agency !== 1) {
        throw fail.badRequest('Agency keys can only be created by agency organizations');
      }
      if (!covers(ctx.auth.scopes, requested)) {
        throw forbidden('Cannot mint a key with scopes wider than the calling key');
      }
      const nowSec = epochSeconds(ctx.now());
      const { row, token } = insertKey(ctx.db, {
        orgId: ctx.auth.orgId,
        name: input.name,
        mode: mode as KeyMode,
        scopes: requested,
        isAgency: input.is_agency === true,
        createdBy: caller.user_email ?? `api_key:${caller.id}`,
        // A key minted with a personal key stays personal to the same user.
        userEmail: caller.user_email,
        createdAt: nowSec,
        expiresAt: input.expires_in_days === undefined ? null : nowSec + input.expires_in_days * 86_400,
      });
      return minted(createdView(row, token));
    },
  };

  const revoke: Route = {
    method: 'DELETE',
    path: '/api-keys/:api_key_id',
    scope: 'account:write',
    summary: 'Revoke an API key permanently',
    handler(ctx) {
      const caller = callerKey(ctx);
      const target = findKey(ctx);
      if (!mayManage(ctx.db, caller, target)) throw forbidden('Not allowed to revoke this API key');
      ctx.db.prepare('DELETE FROM api_keys WHERE id = ?').run(target.id);
      return ok({ api_key_id: target.id, revoked: true });
    },
  };

  const rotate: Route = {
    method: 'POST',
    path: '/api-keys/:api_key_id/rotate',
    scope: 'account:write',
    summary: 'Replace an API key with a policy-equivalent one',
    handler(ctx) {
      const caller = callerKey(ctx);
      const target = findKey(ctx);
      if (!mayManage(ctx.db, caller, target)) throw forbidden('Not allowed to rotate this API key');
      const targetScopes = keyScopes(target);
      if (!covers(ctx.auth.scopes, targetScopes)) {
        throw forbidden('Cannot rotate a key with scopes wider than the calling key');
      }
      const nowSec = epochSeconds(ctx.now());
      ctx.db.prepare('DELETE FROM api_keys WHERE id = ?').run(target.id);
      const { row, token } = insertKey(ctx.db, {
        orgId: target.org_id,
        name: target.name,
        mode: target.mode,
        scopes: targetScopes,
        isAgency: target.is_agency === 1,
        createdBy: caller.user_email ?? `api_key:${caller.id}`,
        userEmail: target.user_email,
        createdAt: nowSec,
        // Same lifetime as the old key, counted from now: rotation neither shortens nor removes expiry.
        expiresAt:
          target.expires_at === null ? null : nowSec + Math.max(0, target.expires_at - target.created_at),
      });
      return minted({ ...createdView(row, token), rotated_from: target.id });
    },
  };

  const logs: Route = {
    method: 'GET',
    path: '/logs',
    scope: 'account:read',
    summary: "The org's recent requests, newest first",
    handler(ctx) {
      const limit = queryInt(ctx.req.query, 'limit', { min: 1, max: 200 }) ?? 50;
      // A bare array (§1.4), one of the documented envelope exceptions.
      return { status: 200, body: recentRequests(ctx.db, ctx.auth.orgId, limit) };
    },
  };

  return {
    name: 'account',
    migrations: [],
    seed: () => {},
    routes: [me, listKeys, scopes, create, revoke, rotate, logs],
  };
}
