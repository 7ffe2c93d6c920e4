/**
 * The sandbox kernel through real HTTP: request ids, routing errors, the exact 401 messages, the
 * org guard, scope denial, body parsing, idempotency, rate limits, 500 handling, the request log,
 * the unauthenticated pages and persistence across restarts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxHandle, startSandbox } from '../src/index.js';

// biome-ignore lint/suspicious/noExplicitAny: response JSON is asserted field by field
type Json = any;

interface Res {
  status: number;
  headers: Headers;
  body: Json;
}

interface CallOptions {
  key?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

function caller(sb: () => SandboxHandle) {
  return async (method: string, path: string, opts: CallOptions = {}): Promise<Res> => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const key = opts.key === undefined ? sb().demoKey : opts.key;
    if (key !== null) headers.Authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (opts.rawBody !== undefined || opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = opts.rawBody ?? JSON.stringify(opts.body);
    }
    const res = await fetch(`${sb().url}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: Json = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // HTML pages stay text
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
}

const REQ_ID = /^req_[0-9a-f]{24}$/;

/** These tests fire bursts; the default 50/s limit is tested on its own below. */
const ROOMY = { perSecond: 100_000, perMinute: 1_000_000 };

describe('sandbox kernel', () => {
  let dir: string;
  let sb: SandboxHandle;
  const logs: string[] = [];
  const call = caller(() => sb);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'g8-sandbox-kernel-'));
    sb = await startSandbox({
      port: 0,
      dbPath: join(dir, 'sandbox.db'),
      rateLimit: ROOMY,
      log: (l) => logs.push(l),
    });
  });

  afterAll(async () => {
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function mintKey(
    body: Record<string, unknown>,
    key?: string,
  ): Promise<{ id: string; token: string }> {
    const res = await call('POST', '/api/v1/api-keys', { body, key });
    expect(res.status).toBe(201);
    return { id: res.body.data.api_key_id, token: res.body.data.api_key_token };
  }

  describe('request ids', () => {
    it('mints req_ + 24 hex on success, API errors, routing errors and non-API pages', async () => {
      const responses = await Promise.all([
        call('GET', '/api/v1/me'),
        call('GET', '/api/v1/me', { key: null }),
        call('GET', '/api/v1/no-such-route'),
        call('PUT', '/api/v1/contacts'),
        call('GET', '/healthz'),
        call('GET', '/nowhere'),
      ]);
      for (const res of responses) expect(res.headers.get('x-request-id')).toMatch(REQ_ID);
      expect(new Set(responses.map((r) => r.headers.get('x-request-id'))).size).toBe(responses.length);
    });

    it('echoes a client id of 1–128 printable chars and replaces anything longer', async () => {
      const mine = await call('GET', '/api/v1/me', { headers: { 'X-Request-Id': 'trace-42/abc' } });
      expect(mine.headers.get('x-request-id')).toBe('trace-42/abc');
      const long = await call('GET', '/api/v1/me', { headers: { 'X-Request-Id': 'x'.repeat(129) } });
      expect(long.headers.get('x-request-id')).toMatch(REQ_ID);
    });

    it('repeats the id inside typed error bodies', async () => {
      const res = await call('GET', '/api/v1/contacts?cursor=bm9wZQ');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        type: 'bad_request',
        code: '400',
        detail: 'Invalid cursor',
        request_id: res.headers.get('x-request-id'),
      });
    });
  });

  describe('routing errors', () => {
    it('answers 404 Not Found for an unknown route, before auth', async () => {
      const res = await call('GET', '/api/v1/definitely/not/here', { key: null });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ detail: 'Not Found' });
    });

    it('answers 405 Method Not Allowed with Allow for a known path', async () => {
      const res = await call('DELETE', '/api/v1/contacts');
      expect(res.status).toBe(405);
      expect(res.body).toEqual({ detail: 'Method Not Allowed' });
      expect(res.headers.get('allow')).toBe('GET');
    });
  });

  describe('authentication (§3.7)', () => {
    it('401 when the header is missing', async () => {
      const res = await call('GET', '/api/v1/contacts', { key: null });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        detail: 'Missing Authorization header. Use: Authorization: Bearer <api_key>',
      });
    });

    it('401 JWT message for a JWT-shaped token and for a non-Bearer scheme', async () => {
      const jwt = await call('GET', '/api/v1/me', {
        key: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
      });
      expect(jwt.status).toBe(401);
      expect(jwt.body).toEqual({ detail: 'JWT token provided instead of API key' });
      const basic = await call('GET', '/api/v1/me', {
        key: null,
        headers: { Authorization: `Basic ${sb.demoKey}` },
      });
      expect(basic.status).toBe(401);
      expect(basic.body).toEqual({ detail: 'JWT token provided instead of API key' });
    });

    it('401 for an unknown key', async () => {
      const res = await call('GET', '/api/v1/me', { key: 'g8_test_thisKeyDoesNotExistAnywhere1234567890' });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'API key not associated with an organization' });
    });

    it('the token prefix is cosmetic: the stored mode is authoritative', async () => {
      const live = sb.demoKey.replace(/^g8_test_/, 'g8_live_');
      const res = await call('GET', '/api/v1/me', { key: live });
      expect(res.status).toBe(200);
      expect(res.body.data.key_mode).toBe('test');
    });

    it('401 API key expired once expires_at has passed', async () => {
      const { id, token } = await mintKey({ name: 'soon expired', mode: 'test', expires_in_days: 1 });
      expect((await call('GET', '/api/v1/me', { key: token })).status).toBe(200);
      sb.db
        .prepare('UPDATE api_keys SET expires_at = ? WHERE id = ?')
        .run(Math.floor(Date.now() / 1000) - 5, id);
      const res = await call('GET', '/api/v1/me', { key: token });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'API key expired' });
    });

    it('401 after revocation, immediately', async () => {
      const { id, token } = await mintKey({ name: 'to revoke' });
      expect((await call('GET', '/api/v1/me', { key: token })).status).toBe(200);
      const del = await call('DELETE', `/api/v1/api-keys/${id}`);
      expect(del.status).toBe(200);
      const res = await call('GET', '/api/v1/me', { key: token });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'API key not associated with an organization' });
    });

    it('401 for a rotated-away token while the new one works', async () => {
      const { id, token } = await mintKey({ name: 'to rotate', scopes: ['contacts:read'] });
      const rotated = await call('POST', `/api/v1/api-keys/${id}/rotate`);
      expect(rotated.status).toBe(201);
      expect((await call('GET', '/api/v1/me', { key: token })).status).toBe(401);
      const fresh = await call('GET', '/api/v1/me', { key: rotated.body.data.api_key_token });
      expect(fresh.status).toBe(200);
      expect(fresh.body.data.scopes).toEqual(['contacts:read']);
    });

    it('stamps last_used_at at most once a minute', async () => {
      const { id, token } = await mintKey({ name: 'usage stamp' });
      const stamp = () =>
        (
          sb.db.prepare('SELECT last_used_at FROM api_keys WHERE id = ?').get(id) as {
            last_used_at: number | null;
          }
        ).last_used_at;
      expect(stamp()).toBeNull();
      await call('GET', '/api/v1/me', { key: token });
      const first = stamp();
      expect(first).toBeGreaterThan(0);
      sb.db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run((first as number) - 30, id);
      await call('GET', '/api/v1/me', { key: token });
      expect(stamp()).toBe((first as number) - 30); // within the minute: untouched
      sb.db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run((first as number) - 61, id);
      await call('GET', '/api/v1/me', { key: token });
      expect(stamp()).toBeGreaterThanOrEqual(first as number);
    });
  });

  describe('org guard and scopes', () => {
    it('X-Org-Id matching the key org (any case) passes; a mismatch is a plain 403', async () => {
      const me = await call('GET', '/api/v1/me');
      const orgId: string = me.body.data.org_id;
      expect((await call('GET', '/api/v1/me', { headers: { 'X-Org-Id': orgId.toUpperCase() } })).status).toBe(
        200,
      );
      const res = await call('GET', '/api/v1/contacts', { headers: { 'X-Org-Id': 'org_someoneelse' } });
      expect(res.status).toBe(403);
      expect(typeof res.body.detail).toBe('string');
      expect(res.body.type).toBeUndefined();
    });

    it('403 typed body with required_scope for a contacts:read key calling a companies route', async () => {
      const { token } = await mintKey({ name: 'contacts only', scopes: ['contacts:read'] });
      expect((await call('GET', '/api/v1/contacts?limit=1', { key: token })).status).toBe(200);
      const res = await call('GET', '/api/v1/companies', { key: token });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({
        type: 'forbidden',
        code: '403',
        detail: 'API key lacks scope companies:read',
        required_scope: 'companies:read',
        request_id: res.headers.get('x-request-id'),
      });
      // Authenticated refusals still carry the rate-limit headers.
      expect(res.headers.get('x-ratelimit-limit-second')).not.toBeNull();
      // GET /me needs no scope at all.
      expect((await call('GET', '/api/v1/me', { key: token })).status).toBe(200);
    });

    it('no implication between actions; resource wildcards grant every action', async () => {
      const { token: writeOnly } = await mintKey({ name: 'write only', scopes: ['account:write'] });
      const res = await call('GET', '/api/v1/api-keys', { key: writeOnly });
      expect(res.status).toBe(403);
      expect(res.body.required_scope).toBe('account:read');
      const { token: wildcard } = await mintKey({ name: 'account star', scopes: ['account:*'] });
      expect((await call('GET', '/api/v1/api-keys', { key: wildcard })).status).toBe(200);
    });

    it('checks scope before parsing the body (403 beats 422)', async () => {
      const { token } = await mintKey({ name: 'no enrichment', scopes: ['contacts:read'] });
      const res = await call('POST', '/api/v1/enrichment/lookup/person', { key: token, rawBody: '{broken' });
      expect(res.status).toBe(403);
      expect(res.body.required_scope).toBe('enrichment:run');
    });
  });

  describe('body parsing and validation', () => {
    it('malformed JSON is a 422 with loc ["body"]', async () => {
      const res = await call('POST', '/api/v1/enrichment/lookup/person', { rawBody: '{"email": ' });
      expect(res.status).toBe(422);
      expect(res.body.detail[0].loc).toEqual(['body']);
    });

    it('schema failures are FastAPI-style field errors', async () => {
      const res = await call('POST', '/api/v1/api-keys', { body: { name: '', expires_in_days: 400 } });
      expect(res.status).toBe(422);
      const locs = res.body.detail.map((d: { loc: unknown[] }) => d.loc.join('.'));
      expect(locs).toEqual(expect.arrayContaining(['body.name', 'body.expires_in_days']));
      for (const d of res.body.detail) expect(typeof d.msg).toBe('string');
    });
  });

  describe('idempotency', () => {
    it('replays the first response for the same key: same body, Idempotent-Replay, one record', async () => {
      const list = await call('GET', '/api/v1/enrichment/waterfall/configs');
      const listId: number = list.body.data.configs[0].list_id;
      const body = {
        list_id: listId,
        name: 'Idempotent phones',
        field_to_enrich: 'phone',
        providers: ['apollo'],
      };
      const headers = { 'Idempotency-Key': 'idem-config-1' };
      const first = await call('POST', '/api/v1/enrichment/waterfall/configs', { body, headers });
      expect(first.status).toBe(201);
      expect(first.headers.get('idempotent-replay')).toBeNull();
      // A different body under the same key still replays the first response (§1.7).
      const second = await call('POST', '/api/v1/enrichment/waterfall/configs', {
        body: { ...body, name: 'Something else' },
        headers,
      });
      expect(second.status).toBe(201);
      expect(second.headers.get('idempotent-replay')).toBe('true');
      expect(second.body).toEqual(first.body);
      const rows = sb.db
        .prepare(
          "SELECT count(*) AS n FROM enrichment_configs WHERE name IN ('Idempotent phones', 'Something else')",
        )
        .get() as { n: number };
      expect(rows.n).toBe(1);
    });

    it('does not mint a second API key on replay and never stores the token', async () => {
      const headers = { 'Idempotency-Key': 'idem-key-mint' };
      const first = await call('POST', '/api/v1/api-keys', { body: { name: 'idem mint' }, headers });
      const second = await call('POST', '/api/v1/api-keys', { body: { name: 'idem mint' }, headers });
      expect(second.status).toBe(201);
      expect(second.headers.get('idempotent-replay')).toBe('true');
      expect(second.body.data.api_key_id).toBe(first.body.data.api_key_id);
      expect(second.body.data.api_key_token).toBeNull();
      const n = sb.db.prepare("SELECT count(*) AS n FROM api_keys WHERE name = 'idem mint'").get() as {
        n: number;
      };
      expect(n.n).toBe(1);
      const cached = sb.db.prepare('SELECT body FROM idempotency').all() as { body: string }[];
      for (const row of cached) expect(row.body).not.toContain(first.body.data.api_key_token);
    });

    it('keys are per org and an over-long or empty key is a 400', async () => {
      const tooLong = await call('POST', '/api/v1/enrichment/lookup/company', {
        body: { domain: 'northwindlogistics.com' },
        headers: { 'Idempotency-Key': 'k'.repeat(256) },
      });
      expect(tooLong.status).toBe(400);
      const empty = await call('POST', '/api/v1/enrichment/lookup/company', {
        body: { domain: 'northwindlogistics.com' },
        headers: { 'Idempotency-Key': '' },
      });
      expect(empty.status).toBe(400);
    });
  });

  describe('server faults', () => {
    it('an unexpected exception is a 500 with a plain body, logged with its stack, and the server lives on', async () => {
      sb.db.exec('ALTER TABLE lifecycle_stages RENAME TO lifecycle_stages_gone');
      try {
        const res = await call('GET', '/api/v1/lifecycle-stages/customer/records');
        expect(res.status).toBe(500);
        expect(res.body).toEqual({ detail: 'Internal server error' });
        const id = res.headers.get('x-request-id') as string;
        expect(logs.some((l) => l.includes(id) && l.includes('no such table'))).toBe(true);
      } finally {
        sb.db.exec('ALTER TABLE lifecycle_stages_gone RENAME TO lifecycle_stages');
      }
      expect((await call('GET', '/api/v1/lifecycle-stages/customer/records')).status).toBe(200);
    });

    it('never logs tokens or Authorization headers', () => {
      const joined = logs.join('\n');
      expect(joined).not.toContain(sb.demoKey);
      expect(joined).not.toContain(sb.demoKey.slice('g8_test_'.length));
      expect(joined.toLowerCase()).not.toContain('bearer');
    });
  });

  describe('request log', () => {
    it('GET /logs lists this org’s requests newest first as a bare array, errors included', async () => {
      const marker = await call('GET', '/api/v1/contacts/999999');
      expect(marker.status).toBe(404);
      const res = await call('GET', '/api/v1/logs?limit=5');
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      expect(res.body).toHaveLength(5);
      expect(res.body[0]).toEqual({
        request_id: marker.headers.get('x-request-id'),
        method: 'GET',
        path: '/api/v1/contacts/999999',
        status: 404,
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      const stamps = res.body.map((r: { timestamp: string }) => r.timestamp);
      expect([...stamps].sort().reverse()).toEqual(stamps);
    });

    it('writes a row for unauthenticated failures too, with no org', async () => {
      const res = await call('GET', '/api/v1/me', { key: null });
      const row = sb.db
        .prepare('SELECT org_id, status FROM request_log WHERE request_id = ?')
        .get(res.headers.get('x-request-id')) as { org_id: string | null; status: number };
      expect(row).toEqual({ org_id: null, status: 401 });
    });

    it('limit outside 1–200 is a 422', async () => {
      expect((await call('GET', '/api/v1/logs?limit=201')).status).toBe(422);
      expect((await call('GET', '/api/v1/logs?limit=0')).status).toBe(422);
    });
  });

  describe('unauthenticated pages', () => {
    it('GET /api/v1/openapi.json describes every route with its scope', async () => {
      const res = await call('GET', '/api/v1/openapi.json', { key: null });
      expect(res.status).toBe(200);
      expect(res.body.openapi).toBe('3.1.0');
      expect(res.body.components.securitySchemes.bearer).toEqual(
        expect.objectContaining({ scheme: 'bearer' }),
      );
      const op = res.body.paths['/contacts/{contact_id}'].get;
      expect(op['x-graph8-scope']).toBe('contacts:read');
      expect(op.parameters[0]).toEqual(expect.objectContaining({ name: 'contact_id', in: 'path' }));
      expect(res.body.paths['/me'].get['x-graph8-scope']).toBeNull();
      expect(res.body.paths['/enrichment/waterfall/enrich'].post.summary).toMatch(/waterfall/i);
    });

    it('GET / renders the org, keys, credits and requests without any token', async () => {
      const res = await call('GET', '/', { key: null });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.body).toContain('Acme Robotics');
      expect(res.body).toContain('Sandbox demo key (full access)');
      expect(res.body).toContain('/api/v1/me');
      expect(res.body).not.toContain(sb.demoKey);
      expect(res.body).not.toMatch(/g8_(live|test)_[A-Za-z0-9_-]{20,}/);
      expect(res.body).not.toMatch(/<(script|link)\b/);
    });

    it('GET / escapes stored values and lists the outbox newest first', async () => {
      await mintKey({ name: '<img src=x onerror=alert(1)>' });
      const org = (sb.db.prepare("SELECT v FROM sandbox_meta WHERE k = 'demo_org_id'").get() as { v: string })
        .v;
      const insert = sb.db.prepare(
        "INSERT INTO outbox (org_id, kind, summary, payload, created_at) VALUES (?, 'email.send', ?, '{}', ?)",
      );
      insert.run(org, 'older effect', '2020-01-01T00:00:00.000Z');
      insert.run(org, 'newer <b>effect</b>', '2020-01-02T00:00:00.000Z');
      const res = await call('GET', '/', { key: null });
      expect(res.body).not.toContain('<img src=x');
      expect(res.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(res.body).toContain('newer &lt;b&gt;effect&lt;/b&gt;');
      expect(res.body.indexOf('newer &lt;b&gt;')).toBeLessThan(res.body.indexOf('older effect'));
    });

    it('GET /healthz answers ok', async () => {
      const res = await call('GET', '/healthz', { key: null });
      expect(res).toMatchObject({ status: 200, body: { status: 'ok' } });
    });
  });
});

describe('sandbox rate limits', () => {
  let sb: SandboxHandle;
  const call = caller(() => sb);

  afterAll(async () => {
    await sb?.close();
  });

  it('answers 429 with Retry-After past the per-second limit, then recovers', async () => {
    sb = await startSandbox({
      port: 0,
      dbPath: ':memory:',
      rateLimit: { perSecond: 5, perMinute: 1000 },
      log: () => {},
    });
    const ok = await call('GET', '/api/v1/me');
    expect(ok.headers.get('x-ratelimit-limit-second')).toBe('5');
    expect(ok.headers.get('x-ratelimit-limit-minute')).toBe('1000');
    expect(ok.headers.get('x-ratelimit-remaining')).toBe('999');
    expect(Number(ok.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(ok.headers.get('retry-after')).toBeNull();

    const burst = await Promise.all(Array.from({ length: 10 }, () => call('GET', '/api/v1/me')));
    const limited = burst.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    const first = limited[0] as Res;
    expect(first.body).toEqual({ detail: 'Rate limit exceeded. Please slow down.' });
    expect(Number(first.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(first.headers.get('x-ratelimit-limit-second')).toBe('5');
    expect(first.headers.get('x-request-id')).toMatch(REQ_ID);

    await new Promise((r) => setTimeout(r, Number(first.headers.get('retry-after')) * 1000 + 50));
    expect((await call('GET', '/api/v1/me')).status).toBe(200);
    await sb.close();
  });

  it('applies the per-minute window per org, before the scope check', async () => {
    sb = await startSandbox({
      port: 0,
      dbPath: ':memory:',
      rateLimit: { perSecond: 100, perMinute: 3 },
      log: () => {},
    });
    for (let i = 0; i < 3; i++) expect((await call('GET', '/api/v1/me')).status).toBe(200);
    const res = await call('GET', '/api/v1/me');
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    // Unauthenticated calls are refused as 401 (auth comes first) and the other org is unaffected.
    expect((await call('GET', '/api/v1/me', { key: null })).status).toBe(401);
    const otherOrg = sb.db.prepare("SELECT v FROM sandbox_meta WHERE k = 'other_org_id'").get() as {
      v: string;
    };
    const { insertKey } = await import('../src/kernel/keys.js');
    const { token } = insertKey(sb.db, {
      orgId: otherOrg.v,
      name: 'other org test key',
      mode: 'test',
      scopes: [],
      isAgency: false,
      createdBy: null,
      userEmail: null,
      createdAt: Math.floor(Date.now() / 1000),
      expiresAt: null,
    });
    expect((await call('GET', '/api/v1/me', { key: token })).status).toBe(200);
  });
});

describe('sandbox persistence', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'g8-sandbox-persist-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps data and the demo key across close and restart on the same file, seeding only once', async () => {
    const dbPath = join(dir, 'nested', 'sandbox.db');
    let sb = await startSandbox({ port: 0, dbPath, log: () => {} });
    const call = caller(() => sb);
    const demoKey = sb.demoKey;
    expect(demoKey).toMatch(/^g8_test_[A-Za-z0-9_-]{40}$/);
    const minted = await call('POST', '/api/v1/api-keys', {
      body: { name: 'survives restart', scopes: ['contacts:read'] },
    });
    const contacts = await call('GET', '/api/v1/contacts?limit=1');
    const seededAt = (
      sb.db.prepare("SELECT v FROM sandbox_meta WHERE k = 'seeded_at'").get() as { v: string }
    ).v;
    sb.db.prepare("UPDATE orgs SET credits = 123 WHERE name = 'Acme Robotics'").run();
    await sb.close();

    sb = await startSandbox({ port: 0, dbPath, log: () => {} });
    try {
      expect(sb.demoKey).toBe(demoKey);
      expect((await call('GET', '/api/v1/me')).status).toBe(200);
      const again = await call('GET', '/api/v1/me', { key: minted.body.data.api_key_token });
      expect(again.status).toBe(200);
      expect(again.body.data.name).toBe('survives restart');
      const after = await call('GET', '/api/v1/contacts?limit=1');
      expect(after.body.pagination.total).toBe(contacts.body.pagination.total);
      expect(after.body.data[0]).toEqual(contacts.body.data[0]);
      expect(
        (sb.db.prepare("SELECT v FROM sandbox_meta WHERE k = 'seeded_at'").get() as { v: string }).v,
      ).toBe(seededAt);
      expect(
        (sb.db.prepare("SELECT credits FROM orgs WHERE name = 'Acme Robotics'").get() as { credits: number })
          .credits,
      ).toBe(123);
      const migrations = sb.db
        .prepare("SELECT count(*) AS n FROM migrations WHERE module = 'kernel'")
        .get() as { n: number };
      expect(migrations.n).toBe(1);
      expect(sb.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(sb.db.pragma('foreign_keys', { simple: true })).toBe(1);
    } finally {
      await sb.close();
    }
  });

  it('re-mints the printed demo key if it was revoked', async () => {
    const dbPath = join(dir, 'revoked.db');
    let sb = await startSandbox({ port: 0, dbPath, log: () => {} });
    const call = caller(() => sb);
    const me = await call('GET', '/api/v1/me');
    expect((await call('DELETE', `/api/v1/api-keys/${me.body.data.api_key_id}`)).status).toBe(200);
    const old = sb.demoKey;
    await sb.close();
    sb = await startSandbox({ port: 0, dbPath, log: () => {} });
    try {
      expect(sb.demoKey).not.toBe(old);
      expect((await call('GET', '/api/v1/me')).body.data.unrestricted).toBe(true);
    } finally {
      await sb.close();
    }
  });
});

describe('sandbox scope soak mode', () => {
  let sb: SandboxHandle;
  const logs: string[] = [];
  const call = caller(() => sb);

  afterAll(async () => {
    await sb?.close();
  });

  it('rejects an unknown scope mode or a rate limit below 1 at start-up', async () => {
    const scopeMode = 'lenient' as 'soak';
    await expect(startSandbox({ port: 0, dbPath: ':memory:', scopeMode, log: () => {} })).rejects.toThrow(
      /scopeMode must be enforce or soak/,
    );
    const rateLimit = { perSecond: 0, perMinute: 10 };
    await expect(startSandbox({ port: 0, dbPath: ':memory:', rateLimit, log: () => {} })).rejects.toThrow(
      /rateLimit.perSecond/,
    );
  });

  it('logs a missing scope instead of refusing, except campaigns:launch', async () => {
    sb = await startSandbox({ port: 0, dbPath: ':memory:', scopeMode: 'soak', log: (l) => logs.push(l) });
    const minted = await call('POST', '/api/v1/api-keys', {
      body: { name: 'narrow', scopes: ['contacts:read'] },
    });
    const token: string = minted.body.data.api_key_token;
    const companies = await call('GET', '/api/v1/companies?limit=1', { key: token });
    expect(companies.status).toBe(200);
    expect(logs.some((l) => l.includes('scope soak') && l.includes('companies:read'))).toBe(true);
    const launch = await call('POST', '/api/v1/campaigns/cmp_anything/launch', { key: token, body: {} });
    expect(launch.status).toBe(403);
    expect(launch.body.required_scope).toBe('campaigns:launch');
  });
});
