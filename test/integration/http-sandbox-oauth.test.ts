/**
 * The sandbox's upstream OAuth provider (what "Sign in with graph8" talks to locally): RFC 8414
 * metadata, the demo-user sign-in, code + PKCE → tokens the sandbox's REST API accepts with the
 * user's scopes, refresh rotation, expiry and revocation. Raw HTTP against a real sandbox.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxHandle, startSandbox } from '../../packages/sandbox/src/index.js';
import { pkce } from '../helpers/http-consent.js';

const REDIRECT = 'http://127.0.0.1:9/oauth/callback';

let dir: string;
let sandbox: SandboxHandle;
/** The access-token lifetime, read at every token the sandbox issues. */
let ttlSec = 3600;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'g8-sbx-oauth-'));
  sandbox = await startSandbox({
    port: 0,
    dbPath: join(dir, 'sandbox.db'),
    log: () => {},
    oauth: { accessTokenTtlSec: () => ttlSec, extraRedirects: ['https://client.example/cb'] },
  });
});

afterAll(async () => {
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

function authorizeParams(challenge: string, extra: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({
    client_id: sandbox.oauthClient.clientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 's1',
    ...extra,
  });
}

async function userId(email: string): Promise<string> {
  const row = sandbox.db.prepare<[string], { id: number }>('SELECT id FROM users WHERE email = ?').get(email);
  return String(row?.id);
}

/** Signs in as `email` (the form POST) and returns the code from the redirect. */
async function signIn(email: string, challenge: string, extra: Record<string, string> = {}): Promise<URL> {
  const body = authorizeParams(challenge, extra);
  body.set('user_id', await userId(email));
  body.set('action', 'login');
  const res = await fetch(`${sandbox.url}/oauth/authorize`, { method: 'POST', body, redirect: 'manual' });
  expect(res.status).toBe(303);
  return new URL(res.headers.get('location') as string);
}

function token(params: Record<string, string>, secret = sandbox.oauthClient.clientSecret): Promise<Response> {
  return fetch(`${sandbox.url}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: sandbox.oauthClient.clientId, client_secret: secret, ...params }),
  });
}

async function tokensFor(email: string, extra: Record<string, string> = {}) {
  const p = pkce();
  const back = await signIn(email, p.challenge, extra);
  const res = await token({
    grant_type: 'authorization_code',
    code: back.searchParams.get('code') as string,
    code_verifier: p.verifier,
    redirect_uri: REDIRECT,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    access_token: string;
    refresh_token: string;
    expires_in: number;
    scope: string;
  };
}

function api(path: string, accessToken: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${sandbox.url}/api/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
  });
}

describe('sandbox upstream OAuth', () => {
  it('publishes RFC 8414 metadata naming the origin it was asked on', async () => {
    const res = await fetch(`${sandbox.url}/.well-known/oauth-authorization-server`);
    expect(await res.json()).toMatchObject({
      issuer: sandbox.url,
      authorization_endpoint: `${sandbox.url}/oauth/authorize`,
      token_endpoint: `${sandbox.url}/oauth/token`,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
  });

  it('shows a sign-in form listing the demo users; refuses unknown clients and foreign redirects', async () => {
    const page = await fetch(`${sandbox.url}/oauth/authorize?${authorizeParams(pkce().challenge)}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Maya Chen');
    expect(html).toContain('type="radio" name="user_id"');
    const unknown = await fetch(
      `${sandbox.url}/oauth/authorize?${authorizeParams(pkce().challenge, { client_id: 'x' })}`,
    );
    expect(unknown.status).toBe(400);
    const foreign = await fetch(
      `${sandbox.url}/oauth/authorize?${authorizeParams(pkce().challenge, { redirect_uri: 'https://evil.example/cb' })}`,
    );
    expect(foreign.status).toBe(400);
    // An exact URI of the oauth.extraRedirects option is accepted beside the loopback ones.
    const extra = await fetch(
      `${sandbox.url}/oauth/authorize?${authorizeParams(pkce().challenge, { redirect_uri: 'https://client.example/cb' })}`,
    );
    expect(extra.status).toBe(200);
    const noPkce = await fetch(`${sandbox.url}/oauth/authorize?${authorizeParams('short')}`, {
      redirect: 'manual',
    });
    expect(new URL(noPkce.headers.get('location') as string).searchParams.get('error')).toBe(
      'invalid_request',
    );
  });

  it('code + PKCE → a g8at_ token the REST API accepts as the signed-in user, with their scopes', async () => {
    const t = await tokensFor('jordan.ellis@acmerobotics.com');
    expect(t.access_token).toMatch(/^g8at_/);
    expect(t.refresh_token).toMatch(/^g8rt_/);
    expect(t.scope).toContain('contacts:read');
    const me = await api('/me', t.access_token);
    expect(me.status).toBe(200);
    expect(((await me.json()) as { data: unknown }).data).toMatchObject({
      principal: { type: 'personal', user_email: 'jordan.ellis@acmerobotics.com' },
      unrestricted: false,
    });
    expect((await api('/contacts?limit=1', t.access_token)).status).toBe(200);
    // A member's sign-in carries a member's scopes: no launching, no sequence runs.
    const denied = await api('/sequences', t.access_token, { method: 'POST', body: '{}' });
    expect(denied.status).toBe(403);

    const admin = await tokensFor('maya.chen@acmerobotics.com');
    expect(admin.scope).toBe('*');
    expect(
      ((await (await api('/me', admin.access_token)).json()) as { data: { unrestricted: boolean } }).data
        .unrestricted,
    ).toBe(true);
  });

  it('refuses a wrong client secret, a wrong verifier and a replayed code', async () => {
    const p = pkce();
    const code = (await signIn('maya.chen@acmerobotics.com', p.challenge)).searchParams.get('code') as string;
    const params = {
      grant_type: 'authorization_code',
      code,
      code_verifier: p.verifier,
      redirect_uri: REDIRECT,
    };
    const badSecret = await token(params, 'g8cs_wrong');
    expect(badSecret.status).toBe(401);
    expect(((await badSecret.json()) as { error: string }).error).toBe('invalid_client');
    const wrongVerifier = await token({ ...params, code_verifier: pkce().verifier });
    expect(wrongVerifier.status).toBe(400);
    const replay = await token(params);
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('refresh tokens rotate; reusing one revokes the whole sign-in', async () => {
    const t = await tokensFor('maya.chen@acmerobotics.com');
    const next = (await (
      await token({ grant_type: 'refresh_token', refresh_token: t.refresh_token })
    ).json()) as typeof t;
    expect(next.access_token).not.toBe(t.access_token);
    expect((await api('/me', next.access_token)).status).toBe(200);
    const reuse = await token({ grant_type: 'refresh_token', refresh_token: t.refresh_token });
    expect(reuse.status).toBe(400);
    const revoked = await api('/me', next.access_token);
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ detail: 'OAuth access token is invalid or revoked' });
  });

  it('expired and revoked access tokens get 401', async () => {
    ttlSec = 1;
    const t = await tokensFor('maya.chen@acmerobotics.com');
    ttlSec = 3600;
    expect(t.expires_in).toBe(1);
    await sleep(1100);
    const expired = await api('/me', t.access_token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ detail: 'OAuth access token expired' });

    const live = await tokensFor('maya.chen@acmerobotics.com');
    const res = await fetch(`${sandbox.url}/oauth/revoke`, {
      method: 'POST',
      body: new URLSearchParams({
        token: live.access_token,
        client_id: sandbox.oauthClient.clientId,
        client_secret: sandbox.oauthClient.clientSecret,
      }),
    });
    expect(res.status).toBe(200);
    expect((await api('/me', live.access_token)).status).toBe(401);
  });

  it('keeps only hashes of codes and tokens', async () => {
    const t = await tokensFor('maya.chen@acmerobotics.com');
    const dump = JSON.stringify([
      sandbox.db.prepare('SELECT * FROM oauth_tokens').all(),
      sandbox.db.prepare('SELECT * FROM oauth_codes').all(),
      sandbox.db.prepare('SELECT * FROM oauth_clients').all(),
    ]);
    expect(dump).not.toContain(t.access_token);
    expect(dump).not.toContain(t.refresh_token);
  });
});
