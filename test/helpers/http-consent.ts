/**
 * Raw-HTTP OAuth steps for refusal tests: register a client, build an authorization URL with
 * PKCE, walk the consent page with an API key (no browser: read the form, send it back with the
 * cookie), and exchange codes. Each returns the raw answer so a test can assert the refusal.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

export function pkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export async function register(base: string, redirectUris: string[], name = 'Refusal test'): Promise<string> {
  const res = await fetch(new URL('/register', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: name,
      redirect_uris: redirectUris,
      token_endpoint_auth_method: 'none',
    }),
  });
  if (res.status !== 201) throw new Error(`register answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { client_id: string }).client_id;
}

export function authorizeUrl(
  base: string,
  p: {
    clientId: string;
    redirectUri: string;
    challenge: string;
    resource?: string;
    scope?: string;
    state?: string;
  },
): URL {
  const url = new URL('/authorize', base);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', p.clientId);
  url.searchParams.set('redirect_uri', p.redirectUri);
  url.searchParams.set('code_challenge', p.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', p.state ?? 'st-1');
  if (p.resource !== undefined) url.searchParams.set('resource', p.resource);
  if (p.scope !== undefined) url.searchParams.set('scope', p.scope);
  return url;
}

export interface ConsentPage {
  readonly status: number;
  readonly html: string;
  readonly cookie: string | undefined;
  readonly request: string | undefined;
  readonly csrf: string | undefined;
  readonly headers: Headers;
}

export async function openConsent(url: URL): Promise<ConsentPage> {
  const res = await fetch(url, { redirect: 'manual' });
  const html = await res.text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1];
  return {
    status: res.status,
    html,
    cookie: res.headers.get('set-cookie')?.split(';')[0],
    request: field('request'),
    csrf: field('csrf'),
    headers: res.headers,
  };
}

export async function submitConsent(
  base: string,
  page: ConsentPage,
  fields: Record<string, string>,
  opts: { cookie?: string | undefined; origin?: string } = {},
): Promise<Response> {
  const body = new URLSearchParams({ request: page.request ?? '', csrf: page.csrf ?? '', ...fields });
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    origin: opts.origin ?? new URL(base).origin,
  };
  const cookie = 'cookie' in opts ? opts.cookie : page.cookie;
  if (cookie) headers.cookie = cookie;
  return fetch(new URL('/authorize/consent', base), { method: 'POST', headers, body, redirect: 'manual' });
}

/** The whole consent with an API key: the code from the redirect back to the client. */
export async function codeViaApiKey(url: URL, apiKey: string): Promise<string> {
  const page = await openConsent(url);
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}: ${page.html}`);
  const res = await submitConsent(url.origin, page, { action: 'api_key', api_key: apiKey });
  const location = res.headers.get('location');
  const code = location ? new URL(location).searchParams.get('code') : null;
  if (!code) throw new Error(`no code (status ${res.status}, location ${location})`);
  return code;
}

export async function tokenRequest(base: string, params: Record<string, string>): Promise<Response> {
  return fetch(new URL('/token', base), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params),
  });
}

export interface Tokens {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly expires_in: number;
  readonly scope: string;
}

/** Register, consent with the key, exchange: a fresh token pair. */
export async function tokensViaApiKey(
  base: string,
  apiKey: string,
  redirectUri = 'http://127.0.0.1:9/callback',
): Promise<Tokens & { clientId: string }> {
  const clientId = await register(base, [redirectUri]);
  const { verifier, challenge } = pkce();
  const code = await codeViaApiKey(authorizeUrl(base, { clientId, redirectUri, challenge }), apiKey);
  const res = await tokenRequest(base, {
    grant_type: 'authorization_code',
    client_id: clientId,
    code,
    code_verifier: verifier,
    redirect_uri: redirectUri,
    resource: new URL('/mcp', base).href,
  });
  if (res.status !== 200) throw new Error(`token answered ${res.status}: ${await res.text()}`);
  return { ...((await res.json()) as Tokens), clientId };
}

/** A raw initialize on /mcp with a bearer token. */
export function initialize(url: string, headers: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    }),
  });
}
