/**
 * The pieces under the authorization server: sealing (AES-256-GCM bound to its owner), the server
 * secret (G8_MCP_SECRET, else generated once into the data directory, 0600), and the single-use
 * guarantees of both stores: real files in a temporary directory for SQLite, a fresh database of
 * the real PostgreSQL server (test/helpers/engines.ts) for PostgreSQL.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { randomToken, Sealer, sha256Hex } from '../../src/auth/crypto.js';
import { loadServerSecret, SECRET_FILE } from '../../src/auth/secret.js';
import { openSqliteAuthStore } from '../../src/auth/sqlite-store.js';
import type { AuthStore } from '../../src/auth/store.js';
import { PostgresAuthStore } from '../../src/stores/pg-auth-store.js';
import { openPostgres } from '../../src/stores/postgres.js';
import { type Engines, freshEngines } from '../helpers/engines.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'g8-store-'));
  dirs.push(dir);
  return dir;
}

const engines: Engines[] = [];
const quiet = { warn: () => {} };

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  for (const e of engines) await e.drop();
});

/** Each backend, opened empty. */
const BACKENDS: readonly [string, () => Promise<AuthStore>][] = [
  ['SQLite', () => openSqliteAuthStore(tempDir())],
  [
    'PostgreSQL',
    async () => {
      const e = await freshEngines();
      engines.push(e);
      return new PostgresAuthStore(await openPostgres({ url: e.databaseUrl, logger: quiet }));
    },
  ],
];

describe('sealing', () => {
  const sealer = new Sealer(Buffer.alloc(32, 7));

  it('opens what it sealed, for the same owner only', () => {
    const sealed = sealer.seal('g8_live_secretKey', 'grant:a');
    expect(sealed).not.toContain('secretKey');
    expect(sealer.open(sealed, 'grant:a')).toBe('g8_live_secretKey');
    expect(() => sealer.open(sealed, 'grant:b')).toThrow();
    expect(sealer.seal('same', 'x')).not.toBe(sealer.seal('same', 'x'));
  });

  it('refuses a tampered value and a value sealed with another secret', () => {
    const sealed = sealer.seal('payload', 'grant:a');
    const [v, iv, body, tag] = sealed.split(':') as [string, string, string, string];
    const flipped = body.startsWith('A') ? `B${body.slice(1)}` : `A${body.slice(1)}`;
    expect(() => sealer.open([v, iv, flipped, tag].join(':'), 'grant:a')).toThrow();
    expect(() => new Sealer(Buffer.alloc(32, 8)).open(sealed, 'grant:a')).toThrow();
    expect(() => new Sealer(Buffer.alloc(16))).toThrow(/at least 32 bytes/);
  });
});

describe('the server secret', () => {
  it('is generated once into the data directory with mode 0600, then reused', () => {
    const dir = tempDir();
    const first = loadServerSecret(dir, undefined);
    expect(first).toHaveLength(32);
    expect(statSync(join(dir, SECRET_FILE)).mode & 0o777).toBe(0o600);
    expect(loadServerSecret(dir, undefined).equals(first)).toBe(true);
  });

  it('comes from G8_MCP_SECRET when set (nothing written), and must be 32+ characters', () => {
    const dir = tempDir();
    const secret = loadServerSecret(dir, 'x'.repeat(40));
    expect(secret.toString()).toBe('x'.repeat(40));
    expect(readdirSync(dir)).toEqual([]);
    expect(() => loadServerSecret(dir, 'short')).toThrow(/at least 32 characters/);
  });
});

describe.each(BACKENDS)('the %s store', (_name, openStore) => {
  const code = (hash: string) => ({
    codeHash: hash,
    grantId: 'grt_1',
    clientId: 'c1',
    redirectUri: 'http://127.0.0.1/cb',
    codeChallenge: 'x',
    resource: 'http://127.0.0.1/mcp',
    scopes: ['graph8:read'],
    expiresAt: Date.now() + 60_000,
  });
  const token = (hash: string, kind: 'access' | 'refresh', expiresAt = Date.now() + 60_000) => ({
    tokenHash: hash,
    kind,
    grantId: 'grt_1',
    clientId: 'c1',
    scopes: ['graph8:read'],
    resource: 'http://127.0.0.1/mcp',
    expiresAt,
    revokedAt: null,
    usedAt: null,
  });

  it('lets a code or a refresh token be consumed once, even when asked twice at the same time', async () => {
    const store = await openStore();
    await store.putCode(code('h1'));
    const [a, b] = await Promise.all([store.consumeCode('h1', 1), store.consumeCode('h1', 2)]);
    expect([a.status, b.status].sort()).toEqual(['ok', 'replayed']);
    expect((await store.consumeCode('nope', 3)).status).toBe('missing');
    await store.putToken(token('r1', 'refresh'));
    await store.putToken(token('a1', 'access'));
    expect((await store.consumeRefreshToken('r1', 1)).status).toBe('ok');
    expect((await store.consumeRefreshToken('r1', 2)).status).toBe('replayed');
    expect((await store.consumeRefreshToken('a1', 2)).status).toBe('missing');
    await store.close();
  });

  it('keeps clients and pending requests, finds a request by its upstream state, forgets it on delete', async () => {
    const store = await openStore();
    const client = { client_id: 'c1', redirect_uris: ['http://127.0.0.1/cb'], client_name: 'Test' };
    await store.saveClient(client, 1);
    await store.saveClient({ ...client, client_name: 'Renamed' }, 2);
    expect(await store.getClient('c1')).toEqual({ ...client, client_name: 'Renamed' });
    expect(await store.getClient('nope')).toBeUndefined();
    const pending = {
      idHash: 'p1',
      browserHash: 'b1',
      csrfHash: 'x1',
      clientId: 'c1',
      redirectUri: 'http://127.0.0.1/cb',
      codeChallenge: 'ch',
      state: 'st',
      scopes: ['graph8:read'],
      resource: 'http://127.0.0.1/mcp',
      expiresAt: Date.now() + 60_000,
    };
    await store.putPending(pending);
    expect(await store.getPending('p1')).toEqual({
      ...pending,
      upstreamStateHash: undefined,
      upstreamVerifierSealed: undefined,
    });
    await store.setPendingUpstream('p1', 'us1', 'v1:sealed');
    expect(await store.getPendingByUpstreamState('us1')).toMatchObject({
      idHash: 'p1',
      upstreamVerifierSealed: 'v1:sealed',
    });
    await store.deletePending('p1');
    expect(await store.getPending('p1')).toBeUndefined();
    await store.close();
  });

  it('revoking a grant revokes every token under it; sweep deletes what expired', async () => {
    const store = await openStore();
    await store.createGrant({
      id: 'grt_1',
      clientId: 'c1',
      scopes: [],
      resource: 'r',
      credentialKind: 'api_key',
      credentialSealed: 'v1:x',
      subject: 'someone',
      createdAt: 1,
      revokedAt: null,
    });
    await store.putToken(token('t1', 'access'));
    await store.putToken(token('t2', 'refresh'));
    await store.putToken(token('old', 'access', 5));
    await store.revokeGrant('grt_1', 10);
    expect((await store.getGrant('grt_1'))?.revokedAt).toBe(10);
    expect((await store.getToken('t1'))?.revokedAt).toBe(10);
    expect((await store.getToken('t2'))?.revokedAt).toBe(10);
    await store.sweep(Date.now());
    expect(await store.getToken('old')).toBeUndefined();
    expect(await store.getToken('t1')).toBeDefined();
    await store.ping();
    await store.close();
  });

  it('tokens are random and hashed consistently', () => {
    const t = randomToken('mcp_at_');
    expect(t).toMatch(/^mcp_at_[A-Za-z0-9_-]{43}$/);
    expect(sha256Hex(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(randomToken()).not.toBe(randomToken());
  });
});

describe('the SQLite store', () => {
  it('says what to reinstall when the SQLite engine is missing', async () => {
    vi.resetModules();
    vi.doMock('node-sqlite3-wasm', () => {
      throw new Error("Cannot find package 'node-sqlite3-wasm'");
    });
    const fresh = await import('../../src/auth/sqlite-store.js');
    await expect(fresh.openSqliteAuthStore(tempDir())).rejects.toThrow(
      /node-sqlite3-wasm could not be loaded.*Reinstall g8-mcp-server/,
    );
    vi.doUnmock('node-sqlite3-wasm');
  });
});
