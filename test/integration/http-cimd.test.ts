/**
 * Client ID Metadata Documents: an https client_id naming a JSON document about the client.
 * Tests cannot serve https without certificates, so the server is started with the test-only
 * `allowLoopbackHttp` override, which accepts `http://127.0.0.1:<port>/…` client ids; everything
 * else (fetch, self-naming check, validation, caching) is the production path. The private-address
 * refusal is checked against the real network fetch.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientMetadataResolver } from '../../src/auth/cimd.js';
import { authorizeUrl, codeViaApiKey, openConsent, pkce, tokenRequest } from '../helpers/http-consent.js';
import { type Stack, startStack } from '../helpers/http-stack.js';

const REDIRECT = 'http://127.0.0.1:9/callback';

let docs: Server;
let docBase: string;
let fetches: Record<string, number>;
let stack: Stack;

const documents: Record<
  string,
  (id: string) => { status?: number; body: unknown; headers?: Record<string, string> }
> = {
  '/good.json': (id) => ({
    body: {
      client_id: id,
      client_name: 'Doc Client',
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'none',
    },
    headers: { 'cache-control': 'max-age=600' },
  }),
  '/other-name.json': () => ({
    body: { client_id: 'https://someone.else/client.json', redirect_uris: [REDIRECT] },
  }),
  '/secret.json': (id) => ({ body: { client_id: id, redirect_uris: [REDIRECT], client_secret: 'shh' } }),
  '/confidential.json': (id) => ({
    body: { client_id: id, redirect_uris: [REDIRECT], token_endpoint_auth_method: 'client_secret_basic' },
  }),
  '/bad-redirect.json': (id) => ({ body: { client_id: id, redirect_uris: ['http://evil.example/cb'] } }),
  '/huge.json': (id) => ({
    body: { client_id: id, redirect_uris: [REDIRECT], client_name: 'x'.repeat(6000) },
  }),
  '/gone.json': () => ({ status: 404, body: { detail: 'Not Found' } }),
};

beforeAll(async () => {
  fetches = {};
  docs = createServer((req, res) => {
    const path = req.url ?? '/';
    fetches[path] = (fetches[path] ?? 0) + 1;
    const doc = documents[path]?.(`${docBase}${path}`) ?? { status: 404, body: {} };
    res.writeHead(doc.status ?? 200, { 'content-type': 'application/json', ...doc.headers });
    res.end(JSON.stringify(doc.body));
  });
  await new Promise<void>((resolve) => docs.listen(0, '127.0.0.1', resolve));
  docBase = `http://127.0.0.1:${(docs.address() as AddressInfo).port}`;
  stack = await startStack({ overrides: { cimd: { allowLoopbackHttp: true } } });
});

afterAll(async () => {
  await stack?.close();
  await new Promise<void>((resolve) => docs?.close(() => resolve()));
});

function authorize(clientId: string, redirectUri = REDIRECT) {
  return authorizeUrl(stack.remote.publicUrl, { clientId, redirectUri, challenge: pkce().challenge });
}

describe('client id metadata documents', () => {
  it('fetches the document, names the publishing host on the consent page, and caches it', async () => {
    const clientId = `${docBase}/good.json`;
    const page = await openConsent(authorize(clientId));
    expect(page.status).toBe(200);
    expect(page.html).toContain('Doc Client');
    expect(page.html).toContain(`published by <strong>${new URL(docBase).host}</strong>`);

    const p = pkce();
    const code = await codeViaApiKey(
      authorizeUrl(stack.remote.publicUrl, { clientId, redirectUri: REDIRECT, challenge: p.challenge }),
      stack.sandbox.demoKey,
    );
    const res = await tokenRequest(stack.remote.publicUrl, {
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      code_verifier: p.verifier,
      redirect_uri: REDIRECT,
    });
    expect(res.status).toBe(200);
    expect(fetches['/good.json']).toBe(1);
  });

  it.each([
    ['/other-name.json', /does not name itself/],
    ['/secret.json', /must not contain a client secret/],
    ['/confidential.json', /only public clients/],
    ['/bad-redirect.json', /plain http is only allowed on a loopback host/],
    ['/huge.json', /too large/],
    ['/gone.json', /HTTP 404/],
  ])('%s is refused with 400 invalid_client', async (path, reason) => {
    const res = await fetch(authorize(`${docBase}${path}`), { redirect: 'manual' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_client');
    expect(body.error_description).toMatch(reason);
  });

  it('a redirect_uri the document does not list is refused (400 invalid_request)', async () => {
    const res = await fetch(authorize(`${docBase}/good.json`, 'http://127.0.0.1:9/elsewhere'), {
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('without the test override, http ids are not documents and private addresses are never fetched', async () => {
    const resolver = new ClientMetadataResolver();
    expect(resolver.handles(`${docBase}/good.json`)).toBe(false);
    expect(resolver.handles('https://client.example/meta.json')).toBe(true);
    await expect(resolver.resolve('https://127.0.0.1/meta.json')).rejects.toThrow(/private address/);
    await expect(resolver.resolve('https://localhost/meta.json')).rejects.toThrow(/private address/);
    await expect(resolver.resolve('https://client.example/')).rejects.toThrow(/must have a path/);
  });
});
