/**
 * The OAuth endpoints' own refusals and HTTP manners (src/auth/endpoints), over real HTTP against
 * the real remote server: the method lists (405 + Allow), CORS, the form bodies /token takes,
 * client authentication, grant and PKCE parameter checks, and the two phases of /authorize.
 * Refusals that need a consented code (PKCE or redirect mismatch, replay) are in
 * http-oauth.test.ts; /register, /revoke, discovery and rate limits in http-oauth-register.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrl, pkce, register, tokenRequest } from '../helpers/http-consent.js';
import { fetchAt, form, json, refusal } from '../helpers/http-endpoints.js';
import { type Stack, startStack } from '../helpers/http-stack.js';

const REDIRECT = 'http://127.0.0.1:9/callback';

let stack: Stack;
let base: string;
let clientId: string;

beforeAll(async () => {
  stack = await startStack({ env: { G8_DISCOVERY: 'off' } });
  base = stack.remote.publicUrl;
  clientId = await register(base, [REDIRECT]);
});

afterAll(async () => {
  await stack?.close();
});

const at = (path: string, init?: RequestInit) => fetchAt(base, path, init);

describe('methods and CORS', () => {
  it.each([
    ['/authorize', 'PUT', 'GET, POST'],
    ['/authorize', 'OPTIONS', 'GET, POST'],
    ['/token', 'GET', 'POST'],
    ['/register', 'GET', 'POST'],
    ['/revoke', 'DELETE', 'POST'],
    ['/.well-known/oauth-authorization-server', 'POST', 'GET, OPTIONS'],
    ['/.well-known/oauth-protected-resource/mcp', 'PUT', 'GET, OPTIONS'],
  ])('%s refuses %s: 405 method_not_allowed, Allow: %s', async (path, method, allow) => {
    const res = await at(path, { method });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    expect(await refusal(res)).toEqual({
      error: 'method_not_allowed',
      error_description: `The method ${method} is not allowed for this endpoint`,
    });
  });

  it.each(['/token', '/register', '/revoke'])('%s answers a CORS preflight from any origin', async (path) => {
    const res = await at(path, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type');
    // A refusal is readable cross-origin too.
    const refused = await at(path, { method: 'GET', headers: { origin: 'https://app.example' } });
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('/authorize is a browser navigation: no CORS', async () => {
    const res = await at('/authorize', { headers: { origin: 'https://app.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('/token', () => {
  const code = (extra: Record<string, string>) =>
    tokenRequest(base, { grant_type: 'authorization_code', client_id: clientId, ...extra });

  it('needs a client_id, of a known client, before anything else', async () => {
    const missing = await tokenRequest(base, { grant_type: 'authorization_code' });
    expect(missing.status).toBe(400);
    expect((await refusal(missing)).error).toBe('invalid_request');
    const unknown = await tokenRequest(base, { grant_type: 'nonsense', client_id: 'nope' });
    expect(unknown.status).toBe(400);
    expect(await refusal(unknown)).toEqual({
      error: 'invalid_client',
      error_description: 'Invalid client_id',
    });
  });

  it('takes form bodies only: JSON is invalid_request', async () => {
    const res = await at(
      '/token',
      json({ grant_type: 'refresh_token', client_id: clientId, refresh_token: 'x' }),
    );
    expect(res.status).toBe(400);
    expect((await refusal(res)).error).toBe('invalid_request');
  });

  it('refuses a missing or unsupported grant_type', async () => {
    const missing = await tokenRequest(base, { client_id: clientId });
    expect((await refusal(missing)).error).toBe('invalid_request');
    for (const grant of ['client_credentials', 'password', 'urn:ietf:params:oauth:grant-type:device_code']) {
      const res = await tokenRequest(base, { grant_type: grant, client_id: clientId });
      expect(res.status, grant).toBe(400);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect((await refusal(res)).error, grant).toBe('unsupported_grant_type');
    }
  });

  it('authorization_code needs the code and the PKCE verifier', async () => {
    const noVerifier = await code({ code: 'mcp_ac_x' });
    expect(noVerifier.status).toBe(400);
    const body = await refusal(noVerifier);
    expect(body.error).toBe('invalid_request');
    expect(body.error_description).toContain('code_verifier');
    const noCode = await code({ code_verifier: pkce().verifier });
    expect((await refusal(noCode)).error_description).toContain('"code"');
    const badResource = await code({ code: 'x', code_verifier: pkce().verifier, resource: 'not a url' });
    expect((await refusal(badResource)).error).toBe('invalid_request');
    const unknownCode = await code({ code: 'mcp_ac_unknown', code_verifier: pkce().verifier });
    expect(unknownCode.status).toBe(400);
    expect((await refusal(unknownCode)).error).toBe('invalid_grant');
  });

  it('refresh_token needs the refresh token', async () => {
    const res = await tokenRequest(base, { grant_type: 'refresh_token', client_id: clientId });
    expect(res.status).toBe(400);
    expect((await refusal(res)).error_description).toContain('refresh_token');
  });
});

describe('/authorize', () => {
  const url = (edit: (u: URL) => void = () => {}, id = clientId) => {
    const u = authorizeUrl(base, { clientId: id, redirectUri: REDIRECT, challenge: pkce().challenge });
    edit(u);
    return u;
  };

  it('refuses without client_id, or with a redirect_uri that is not a URL: 400, no redirect', async () => {
    for (const u of [
      url((x) => x.searchParams.delete('client_id')),
      url((x) => x.searchParams.set('redirect_uri', 'not a url')),
    ]) {
      const res = await fetch(u, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect((await refusal(res)).error).toBe('invalid_request');
    }
  });

  it('may omit redirect_uri only when the client registered exactly one', async () => {
    const single = await fetch(
      url((x) => x.searchParams.delete('redirect_uri')),
      { redirect: 'manual' },
    );
    expect(single.status).toBe(200);
    const two = await register(base, [REDIRECT, 'http://127.0.0.1:9/second']);
    const res = await fetch(
      url((x) => x.searchParams.delete('redirect_uri'), two),
      { redirect: 'manual' },
    );
    expect(res.status).toBe(400);
    expect((await refusal(res)).error_description).toMatch(/redirect_uri must be specified/);
  });

  it.each([
    ['no code_challenge', (u: URL) => u.searchParams.delete('code_challenge')],
    ['no code_challenge_method', (u: URL) => u.searchParams.delete('code_challenge_method')],
    ['response_type=token', (u: URL) => u.searchParams.set('response_type', 'token')],
    ['a resource that is not a URL', (u: URL) => u.searchParams.set('resource', 'nope')],
  ])('with %s: redirected back with invalid_request', async (_name, edit) => {
    const res = await fetch(url(edit), { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') as string);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    // The state is not echoed here: it is read with the parameters that failed (as in v1).
  });

  it('accepts the request as a POSTed form too', async () => {
    const res = await at('/authorize', form(Object.fromEntries(url().searchParams)));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });
});
