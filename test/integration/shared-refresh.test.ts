/**
 * The upstream refresh race across replicas: two credential vaults (two replicas' worth: each its
 * own PostgreSQL pool and Redis connection, one database and key prefix) find a grant's graph8
 * token about to expire. The real sandbox is the upstream, behind the recording proxy; it rotates
 * refresh tokens and revokes the whole sign-in when one is used twice, so a lost rotation shows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxHandle, startSandbox } from '../../packages/sandbox/src/index.js';
import { CredentialVault, oauthCredential } from '../../src/auth/credentials.js';
import { randomToken, Sealer } from '../../src/auth/crypto.js';
import { UpstreamOAuth } from '../../src/auth/upstream.js';
import { PostgresAuthStore } from '../../src/stores/pg-auth-store.js';
import { openPostgres } from '../../src/stores/postgres.js';
import { Fallbacks, openRedis } from '../../src/stores/redis.js';
import { locksInRedis } from '../../src/stores/redis-lock.js';
import { type Engines, freshEngines } from '../helpers/engines.js';
import { type RecordingProxy, startRecordingProxy } from '../helpers/http-proxy.js';

const quiet = { warn: () => {}, info: () => {} };
const sealer = new Sealer(Buffer.alloc(32, 9));
let engines: Engines;
let sandbox: SandboxHandle;
let proxy: RecordingProxy;
let dir: string;
let upstream: UpstreamOAuth;
const closers: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  engines = await freshEngines();
  dir = mkdtempSync(join(tmpdir(), 'g8-refresh-'));
  sandbox = await startSandbox({ port: 0, dbPath: join(dir, 'sandbox.db'), log: () => {} });
  proxy = await startRecordingProxy(sandbox.url);
  upstream = new UpstreamOAuth({
    issuer: proxy.url,
    clientId: sandbox.oauthClient.clientId,
    clientSecret: sandbox.oauthClient.clientSecret,
    redirectUri: 'http://127.0.0.1:9/oauth/callback',
  });
});

afterAll(async () => {
  for (const close of closers) await close();
  await proxy?.close();
  await sandbox?.close();
  await engines?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** One replica: its own pool and Redis connection; `locked` adds the per-grant lock. */
async function replica(locked: boolean): Promise<CredentialVault> {
  const store = new PostgresAuthStore(
    await openPostgres({ url: engines.databaseUrl, logger: quiet, max: 4 }),
  );
  const redis = await openRedis({ url: engines.redisUrl, prefix: engines.redisPrefix, logger: quiet });
  closers.push(
    () => store.close(),
    () => redis.disconnect(),
  );
  const locks = locked ? locksInRedis(redis, new Fallbacks(quiet, redis), 10_000) : undefined;
  return new CredentialVault(store, sealer, upstream, quiet, Date.now, locks);
}

/** Signs Maya in at the sandbox (its login form, answered) and seals her tokens into a new grant. */
async function grantAboutToExpire(vault: CredentialVault, store: PostgresAuthStore): Promise<string> {
  const state = randomToken();
  const verifier = randomToken();
  const form = new URLSearchParams((await upstream.authorizationUrl(state, verifier)).searchParams);
  const maya = sandbox.db
    .prepare<[string], { id: number }>('SELECT id FROM users WHERE email = ?')
    .get('maya.chen@acmerobotics.com');
  form.set('user_id', String(maya?.id));
  form.set('action', 'login');
  const signedIn = await fetch(new URL('/oauth/authorize', proxy.url), {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  const tokens = await upstream.exchange(
    new URL(signedIn.headers.get('location') as string),
    state,
    verifier,
  );
  const id = `grt_${randomToken()}`;
  // Issued an hour ago, expiring in two seconds: inside the refresh margin (the last minute).
  const cred = {
    ...oauthCredential(tokens),
    issuedAt: Date.now() - 3_600_000,
    expiresAt: Date.now() + 2_000,
  };
  await store.createGrant({
    id,
    clientId: 'c1',
    scopes: [],
    resource: 'http://127.0.0.1/mcp',
    credentialKind: 'oauth',
    credentialSealed: vault.seal(id, cred),
    subject: 'maya',
    createdAt: Date.now(),
    revokedAt: null,
  });
  return id;
}

const refreshes = () =>
  proxy.requests.filter((r) => r.url === '/oauth/token' && r.body.includes('grant_type=refresh_token'))
    .length;

describe('an upstream token about to expire, seen by two replicas at once', () => {
  it('20 parallel calls across both refresh it exactly once; every call gets the new token, and the rotated refresh token is kept', async () => {
    const [a, b] = [await replica(true), await replica(true)];
    const store = new PostgresAuthStore(
      await openPostgres({ url: engines.databaseUrl, logger: quiet, max: 2 }),
    );
    closers.push(() => store.close());
    const grantId = await grantAboutToExpire(a, store);
    const before = refreshes();
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).forGrant(grantId)));
    expect(refreshes() - before).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    const stored = a.open(grantId, (await store.getGrant(grantId))?.credentialSealed as string);
    expect(stored.kind === 'oauth' && stored.accessToken).toBe(tokens[0]);
    // The token works upstream, and the stored (rotated) refresh token still refreshes.
    const me = await fetch(new URL('/api/v1/me', proxy.url), {
      headers: { authorization: `Bearer ${tokens[0]}` },
    });
    expect(me.status).toBe(200);
    expect(
      stored.kind === 'oauth' && (await upstream.refresh(stored.refreshToken as string)).accessToken,
    ).toBeTruthy();
  });
});
