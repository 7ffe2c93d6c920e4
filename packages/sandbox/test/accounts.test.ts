/**
 * §3 auth routes through real HTTP: GET /me, the key list, the scope catalogue, minting rules,
 * revocation, rotation and agency targeting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxHandle, startSandbox } from '../src/index.js';
import { insertKey } from '../src/kernel/keys.js';

// biome-ignore lint/suspicious/noExplicitAny: response JSON is asserted field by field
type Json = any;

interface Res {
  status: number;
  headers: Headers;
  body: Json;
}

/** Every scope §1.9 lists, plus usage:read (§3.6). */
const CONTRACT_SCOPES = [
  'contacts:read',
  'companies:read',
  'deals:read',
  'enrichment:read',
  'enrichment:run',
  'sequences:read',
  'sequences:run',
  'sequences:delete',
  'inbox:read',
  'inbox:run',
  'integrations:read',
  'integrations:write',
  'integrations:run',
  'integrations:delete',
  'campaigns:read',
  'campaigns:write',
  'campaigns:run',
  'campaigns:launch',
  'knowledge:read',
  'knowledge:write',
  'search:run',
  'account:read',
  'account:write',
  'usage:read',
];

/** These tests fire bursts; the default 50/s limit is tested on its own in kernel.test.ts. */
const ROOMY = { perSecond: 100_000, perMinute: 1_000_000 };

describe('sandbox account routes', () => {
  let sb: SandboxHandle;
  let demoOrg: string;
  let otherOrg: string;

  async function call(
    method: string,
    path: string,
    key: string = sb.demoKey,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Res> {
    const res = await fetch(`${sb.url}/api/v1${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: await res.json() };
  }

  function directKey(orgId: string, extra: Partial<Parameters<typeof insertKey>[1]> = {}): string {
    return insertKey(sb.db, {
      orgId,
      name: 'direct',
      mode: 'test',
      scopes: [],
      isAgency: false,
      createdBy: null,
      userEmail: null,
      createdAt: Math.floor(Date.now() / 1000),
      expiresAt: null,
      ...extra,
    }).token;
  }

  beforeAll(async () => {
    sb = await startSandbox({ port: 0, dbPath: ':memory:', rateLimit: ROOMY, log: () => {} });
    const meta = (k: string) =>
      (sb.db.prepare('SELECT v FROM sandbox_meta WHERE k = ?').get(k) as { v: string }).v;
    demoOrg = meta('demo_org_id');
    otherOrg = meta('other_org_id');
  });

  afterAll(async () => {
    await sb?.close();
  });

  describe('GET /me', () => {
    it('describes the demo key in the §3.1 shape', async () => {
      const res = await call('GET', '/me');
      expect(res.status).toBe(200);
      const me = res.body.data;
      expect(me).toEqual({
        api_key_id: expect.stringMatching(/^key_/),
        name: 'Sandbox demo key (full access)',
        key_mode: 'test',
        principal: { type: 'org', user_email: null },
        org_id: demoOrg,
        org_name: 'Acme Robotics',
        is_agency: false,
        unrestricted: true,
        scopes: [],
        created_at: expect.any(Number),
        expires_at: null,
        operations: { reachable: expect.any(Number), total: expect.any(Number) },
      });
      expect(demoOrg).toMatch(/^org_/);
      expect(me.operations.reachable).toBe(me.operations.total);
    });

    it('a restricted personal key reaches fewer operations and reports its owner', async () => {
      const token = directKey(demoOrg, {
        scopes: ['contacts:read'],
        userEmail: 'jordan.ellis@acmerobotics.com',
      });
      const me = (await call('GET', '/me', token)).body.data;
      expect(me.principal).toEqual({ type: 'personal', user_email: 'jordan.ellis@acmerobotics.com' });
      expect(me.unrestricted).toBe(false);
      expect(me.scopes).toEqual(['contacts:read']);
      // GET /me, GET /contacts, /contacts/{id}, /contacts/{id}/suppression at least.
      expect(me.operations.reachable).toBeGreaterThanOrEqual(4);
      expect(me.operations.reachable).toBeLessThan(me.operations.total);
    });
  });

  describe('GET /api-keys and /api-keys/scopes', () => {
    it('lists the org’s keys without tokens or hashes', async () => {
      const res = await call('GET', '/api-keys');
      expect(res.status).toBe(200);
      const { keys, total } = res.body.data;
      expect(total).toBe(keys.length);
      expect(keys.length).toBeGreaterThanOrEqual(4);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(sb.demoKey);
      expect(text).not.toMatch(/token|hash/);
      for (const k of keys) {
        expect(Object.keys(k).sort()).toEqual(
          [
            'api_key_id',
            'created_at',
            'created_by',
            'expires_at',
            'is_agency',
            'is_legacy_unrestricted',
            'last_used_at',
            'mode',
            'name',
            'scopes',
          ].sort(),
        );
      }
      // The other org's agency key is not listed.
      expect(keys.some((k: { name: string }) => k.name === 'Globex agency key')).toBe(false);
    });

    it('the scope catalogue holds every contract scope with a description', async () => {
      const res = await call('GET', '/api-keys/scopes');
      expect(res.status).toBe(200);
      expect(res.body.data.default_scopes).toEqual([]);
      const entries = res.body.data.resources.flatMap(
        (r: { scopes: { scope: string; description: string }[] }) => r.scopes,
      );
      const names = entries.map((e: { scope: string }) => e.scope);
      for (const scope of CONTRACT_SCOPES) expect(names).toContain(scope);
      for (const e of entries) expect(e.description.length).toBeGreaterThan(5);
    });
  });

  describe('POST /api-keys', () => {
    it('mints a key whose token works once and is shown in both fields', async () => {
      const res = await call('POST', '/api-keys', sb.demoKey, {
        name: 'CI test key',
        mode: 'test',
        scopes: ['contacts:read', 'usage:read'],
        expires_in_days: 30,
      });
      expect(res.status).toBe(201);
      const k = res.body.data;
      expect(k.api_key_token).toMatch(/^g8_test_[A-Za-z0-9_-]{32,}$/);
      expect(k.token).toBe(k.api_key_token);
      expect(k).toMatchObject({
        name: 'CI test key',
        mode: 'test',
        scopes: ['contacts:read', 'usage:read'],
        is_agency: false,
      });
      expect(k.expires_at - k.created_at).toBe(30 * 86400);
      const me = await call('GET', '/me', k.api_key_token);
      expect(me.body.data.api_key_id).toBe(k.api_key_id);
      const row = sb.db.prepare('SELECT token_hash FROM api_keys WHERE id = ?').get(k.api_key_id) as {
        token_hash: string;
      };
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.token_hash).not.toContain(k.api_key_token.slice(8, 20));
    });

    it('defaults to a live, unrestricted key', async () => {
      const k = (await call('POST', '/api-keys', sb.demoKey, { name: 'defaults' })).body.data;
      expect(k.mode).toBe('live');
      expect(k.api_key_token).toMatch(/^g8_live_/);
      expect(k.scopes).toEqual([]);
      expect(k.expires_at).toBeNull();
    });

    it.each([
      [{ name: 'x', mode: 'sandbox' }, /mode/],
      [{ name: 'x', scopes: ['contacts:fly'] }, /contacts:fly/],
      [{ name: 'x', scopes: ['Contacts:Read'] }, /Contacts:Read/],
      [{ name: 'x', scopes: ['widgets:read'] }, /widgets:read/],
      [{ name: 'x', is_agency: true }, /[Aa]gency/],
    ])('400 for %j', async (body, message) => {
      const res = await call('POST', '/api-keys', sb.demoKey, body);
      expect(res.status).toBe(400);
      expect(res.body.detail).toMatch(message);
    });

    it.each([
      [{ name: 'x'.repeat(129) }, 'name'],
      [{}, 'name'],
      [{ name: 'x', expires_in_days: 0 }, 'expires_in_days'],
      [{ name: 'x', scopes: 'contacts:read' }, 'scopes'],
    ])('422 for %j', async (body, field) => {
      const res = await call('POST', '/api-keys', sb.demoKey, body);
      expect(res.status).toBe(422);
      expect(res.body.detail[0].loc).toEqual(['body', field]);
    });

    it('a restricted caller may mint only subsets of its own scopes', async () => {
      const caller = directKey(demoOrg, { scopes: ['account:write', 'contacts:*'] });
      expect(
        (await call('POST', '/api-keys', caller, { name: 'sub', scopes: ['contacts:read'] })).status,
      ).toBe(201);
      expect((await call('POST', '/api-keys', caller, { name: 'sub2', scopes: ['contacts:*'] })).status).toBe(
        201,
      );
      const wider = await call('POST', '/api-keys', caller, { name: 'wider', scopes: ['companies:read'] });
      expect(wider.status).toBe(403);
      const unrestricted = await call('POST', '/api-keys', caller, { name: 'all' });
      expect(unrestricted.status).toBe(403);
    });

    it('personal keys of member users cannot mint; an admin’s personal key can', async () => {
      const member = directKey(demoOrg, { userEmail: 'priya.raman@acmerobotics.com' });
      const res = await call('POST', '/api-keys', member, { name: 'nope' });
      expect(res.status).toBe(403);
      expect(res.body.detail).toMatch(/admin/);
      const admin = directKey(demoOrg, { userEmail: 'maya.chen@acmerobotics.com' });
      const made = await call('POST', '/api-keys', admin, { name: 'from admin' });
      expect(made.status).toBe(201);
      const listed = (await call('GET', '/api-keys')).body.data.keys.find(
        (k: { api_key_id: string }) => k.api_key_id === made.body.data.api_key_id,
      );
      expect(listed.created_by).toBe('maya.chen@acmerobotics.com');
    });

    it('an agency org can mint agency keys', async () => {
      const agency = directKey(otherOrg, { isAgency: true });
      const res = await call('POST', '/api-keys', agency, { name: 'agency child', is_agency: true });
      expect(res.status).toBe(201);
      expect(res.body.data.is_agency).toBe(true);
    });
  });

  describe('DELETE /api-keys/{id}', () => {
    it('revokes once, then 404; another org’s key id is 404', async () => {
      const k = (await call('POST', '/api-keys', sb.demoKey, { name: 'short lived' })).body.data;
      const del = await call('DELETE', `/api-keys/${k.api_key_id}`);
      expect(del.status).toBe(200);
      expect(del.body).toEqual({ data: { api_key_id: k.api_key_id, revoked: true } });
      expect((await call('DELETE', `/api-keys/${k.api_key_id}`)).status).toBe(404);
      expect(
        (await call('GET', '/api-keys')).body.data.keys.some(
          (x: { api_key_id: string }) => x.api_key_id === k.api_key_id,
        ),
      ).toBe(false);

      const foreign = sb.db.prepare('SELECT id FROM api_keys WHERE org_id = ? LIMIT 1').get(otherOrg) as {
        id: string;
      };
      const res = await call('DELETE', `/api-keys/${foreign.id}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ detail: 'API key not found' });
      expect(sb.db.prepare('SELECT id FROM api_keys WHERE id = ?').get(foreign.id)).toBeDefined();
    });

    it('a member may revoke their own personal key but not an org key', async () => {
      const memberToken = directKey(demoOrg, { userEmail: 'sam.whitaker@acmerobotics.com' });
      const orgKey = (await call('POST', '/api-keys', sb.demoKey, { name: 'org owned' })).body.data;
      expect((await call('DELETE', `/api-keys/${orgKey.api_key_id}`, memberToken)).status).toBe(403);
      const own = (await call('GET', '/me', memberToken)).body.data.api_key_id;
      expect((await call('DELETE', `/api-keys/${own}`, memberToken)).status).toBe(200);
      expect((await call('GET', '/me', memberToken)).status).toBe(401);
    });
  });

  describe('POST /api-keys/{id}/rotate', () => {
    it('mints a policy-equivalent key with a new id and kills the old token', async () => {
      const old = (
        await call('POST', '/api-keys', sb.demoKey, {
          name: 'rotating',
          mode: 'test',
          scopes: ['deals:read'],
          expires_in_days: 10,
        })
      ).body.data;
      const res = await call('POST', `/api-keys/${old.api_key_id}/rotate`);
      expect(res.status).toBe(201);
      const fresh = res.body.data;
      expect(fresh.rotated_from).toBe(old.api_key_id);
      expect(fresh.api_key_id).not.toBe(old.api_key_id);
      expect(fresh).toMatchObject({
        name: 'rotating',
        mode: 'test',
        scopes: ['deals:read'],
        is_agency: false,
      });
      expect(fresh.expires_at - fresh.created_at).toBe(10 * 86400);
      expect(fresh.api_key_token).not.toBe(old.api_key_token);
      expect((await call('GET', '/me', old.api_key_token)).status).toBe(401);
      expect((await call('GET', '/me', fresh.api_key_token)).status).toBe(200);
      expect((await call('POST', `/api-keys/${old.api_key_id}/rotate`)).status).toBe(404);
    });

    it('a restricted caller cannot rotate a wider key', async () => {
      const caller = directKey(demoOrg, { scopes: ['account:write'] });
      const target = (await call('POST', '/api-keys', sb.demoKey, { name: 'wide' })).body.data;
      expect((await call('POST', `/api-keys/${target.api_key_id}/rotate`, caller)).status).toBe(403);
    });
  });

  describe('agency targeting', () => {
    it('an agency key acts on a client org with X-Target-Org-Id; others are 403; non-agency keys ignore it', async () => {
      const agency = directKey(otherOrg, { isAgency: true });
      const own = await call('GET', '/me', agency);
      expect(own.body.data.org_id).toBe(otherOrg);
      const client = await call('GET', '/me', agency, undefined, { 'X-Target-Org-Id': demoOrg });
      expect(client.status).toBe(200);
      expect(client.body.data.org_id).toBe(demoOrg);
      expect(client.body.data.org_name).toBe('Acme Robotics');
      const outside = await call('GET', '/me', agency, undefined, { 'X-Target-Org-Id': 'org_notaclient' });
      expect(outside.status).toBe(403);
      const plain = await call('GET', '/me', sb.demoKey, undefined, { 'X-Target-Org-Id': otherOrg });
      expect(plain.status).toBe(200);
      expect(plain.body.data.org_id).toBe(demoOrg);
    });
  });
});
