/**
 * "Sign in with graph8" at the HTTP level (the browser version is test/e2e/oauth-browser.test.ts):
 * consent → the sandbox's sign-in → our callback → the client's code, driven by following the
 * redirects by hand. Covers what a browser test cannot reach easily: an upstream refusal, a
 * callback in another browser or replayed, upstream revocation, and an upstream refresh failure.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeUrl,
  type ConsentPage,
  initialize,
  openConsent,
  pkce,
  register,
  submitConsent,
  tokenRequest,
} from '../helpers/http-consent.js';
import { type Stack, startStack } from '../helpers/http-stack.js';

const REDIRECT = 'http://127.0.0.1:9/callback';

let stack: Stack;
let base: string;
/** The sandbox's upstream access-token lifetime, read at every token it issues. */
let upstreamTtlSec = 3600;

beforeAll(async () => {
  stack = await startStack({ sandboxOAuth: { accessTokenTtlSec: () => upstreamTtlSec } });
  base = stack.remote.publicUrl;
});

afterAll(async () => {
  await stack?.close();
});

interface Leg {
  readonly page: ConsentPage;
  readonly callback: URL;
}

/** Consent page → "Sign in with graph8" → the sandbox's form, answered → where it sends the browser. */
async function throughUpstream(authorize: URL, action: 'login' | 'deny' = 'login'): Promise<Leg> {
  const page = await openConsent(authorize);
  const toUpstream = await submitConsent(base, page, { action: 'graph8' });
  expect(toUpstream.status).toBe(303);
  const upstream = new URL(toUpstream.headers.get('location') as string);
  expect(upstream.origin).toBe(stack.proxy.url);
  expect(upstream.searchParams.get('code_challenge_method')).toBe('S256');
  const form = new URLSearchParams(upstream.searchParams);
  const maya = stack.sandbox.db
    .prepare<[string], { id: number }>('SELECT id FROM users WHERE email = ?')
    .get('maya.chen@acmerobotics.com');
  form.set('user_id', String(maya?.id));
  form.set('action', action);
  const signedIn = await fetch(new URL('/oauth/authorize', upstream), {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  expect(signedIn.status).toBe(303);
  return { page, callback: new URL(signedIn.headers.get('location') as string) };
}

async function finish(leg: Leg, cookie = leg.page.cookie): Promise<Response> {
  return fetch(leg.callback, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
}

async function signedInTokens() {
  const clientId = await register(base, [REDIRECT]);
  const p = pkce();
  const leg = await throughUpstream(
    authorizeUrl(base, { clientId, redirectUri: REDIRECT, challenge: p.challenge }),
  );
  const done = await finish(leg);
  expect(done.status).toBe(303);
  const code = new URL(done.headers.get('location') as string).searchParams.get('code') as string;
  const res = await tokenRequest(base, {
    grant_type: 'authorization_code',
    client_id: clientId,
    code,
    code_verifier: p.verifier,
    redirect_uri: REDIRECT,
  });
  expect(res.status).toBe(200);
  return { clientId, ...((await res.json()) as { access_token: string; refresh_token: string }) };
}

async function client(token: string): Promise<Client> {
  const c = new Client({ name: 'upstream-test', version: '1' });
  await c.connect(
    new StreamableHTTPClientTransport(new URL(stack.remote.url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return c;
}

describe('Sign in with graph8 (HTTP level)', () => {
  it('ends with a code for the client; tool calls then carry the upstream token, never ours', async () => {
    const t = await signedInTokens();
    const c = await client(t.access_token);
    const result = await c.callTool({ name: 'g8_search_contacts', arguments: { limit: 1 } });
    expect(result.isError).toBeFalsy();
    await c.close();
    const contactCalls = stack.proxy.requests.filter((r) => r.url.startsWith('/api/v1/contacts'));
    expect(contactCalls.at(-1)?.headers.authorization).toMatch(/^Bearer g8at_/);
    expect(stack.proxy.transcript()).not.toContain(t.access_token);
  });

  it('an upstream "Cancel" reaches the client as access_denied, with its state', async () => {
    const clientId = await register(base, [REDIRECT]);
    const leg = await throughUpstream(
      authorizeUrl(base, { clientId, redirectUri: REDIRECT, challenge: pkce().challenge, state: 'mine' }),
      'deny',
    );
    const done = await finish(leg);
    const location = new URL(done.headers.get('location') as string);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('mine');
  });

  it('a callback in another browser is refused (403); a replayed one finds nothing (400)', async () => {
    const clientId = await register(base, [REDIRECT]);
    const leg = await throughUpstream(
      authorizeUrl(base, { clientId, redirectUri: REDIRECT, challenge: pkce().challenge }),
    );
    expect((await finish(leg, '')).status).toBe(403);
    expect((await finish(leg, `g8_mcp_consent=${'b'.repeat(43)}`)).status).toBe(403);
    expect((await finish(leg)).status).toBe(303);
    expect((await finish(leg)).status).toBe(400);
  });

  it('revoking the MCP refresh token also revokes the upstream sign-in', async () => {
    const t = await signedInTokens();
    const before = stack.proxy.requests.filter((r) => r.url === '/oauth/revoke').length;
    const res = await fetch(new URL('/revoke', base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: t.refresh_token,
        client_id: t.clientId,
        token_type_hint: 'refresh_token',
      }),
    });
    expect(res.status).toBe(200);
    expect(stack.proxy.requests.filter((r) => r.url === '/oauth/revoke').length).toBe(before + 1);
    expect((await initialize(stack.remote.url, { authorization: `Bearer ${t.access_token}` })).status).toBe(
      401,
    );
  });

  it('an upstream refresh that graph8 refuses ends the grant: the call fails, then 401', async () => {
    upstreamTtlSec = 1;
    const t = await signedInTokens();
    upstreamTtlSec = 3600;
    const c = await client(t.access_token);
    // graph8 revokes the sign-in (e.g. the user removed the app there); the token then expires.
    stack.sandbox.db.prepare('UPDATE oauth_tokens SET revoked_at = 1 WHERE revoked_at IS NULL').run();
    await sleep(1100);
    const outcome = await c.callTool({ name: 'g8_search_contacts', arguments: { limit: 1 } }).then(
      (r) => JSON.stringify(r.content),
      (e: Error) => e.message,
    );
    expect(outcome).toMatch(/sign-in ended|Reconnect/);
    await c.close().catch(() => {});
    expect((await initialize(stack.remote.url, { authorization: `Bearer ${t.access_token}` })).status).toBe(
      401,
    );
  });
});
