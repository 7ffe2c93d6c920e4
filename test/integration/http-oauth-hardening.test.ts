/**
 * Security review (issue 17), the authorization server's share, through the real server on real
 * sockets: bounded metadata-document fetches (3), the private-address guard and its generic error
 * (4), a refused refresh that leaves the token usable (7), no redirect before the client and its
 * redirect URI are known good (8), the redirect-URI scheme allowlist (9).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteAuthStore } from '../../src/auth/sqlite-store.js';
import { authorizeUrl, pkce, register, tokenRequest, tokensViaApiKey } from '../helpers/http-consent.js';
import { type Stack, startStack } from '../helpers/http-stack.js';

const REDIRECT = 'http://127.0.0.1:9/callback';

let docs: Server;
let docBase: string;
let stack: Stack;
let strict: Stack;
const seen: Record<string, IncomingMessage> = {};
const held: ServerResponse[] = [];
let endlessClosed = false;

function doc(id: string) {
  return JSON.stringify({ client_id: id, client_name: 'Doc', redirect_uris: [REDIRECT] });
}

beforeAll(async () => {
  docs = createServer((req, res) => {
    const path = req.url ?? '/';
    seen[path] = req;
    const id = `${docBase}${path}`;
    if (path === '/endless.json') {
      // No content-length and no end: only a reader that counts can stop.
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) {}
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => {
        endlessClosed = true;
      });
      pump();
      return;
    }
    if (path === '/gzip.json') {
      // Compressed whatever was asked for: the server must refuse it, not inflate it.
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(doc(id)));
      return;
    }
    if (path.startsWith('/slow/')) {
      held.push(res);
      (res as ServerResponse & { body?: string }).body = doc(id);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(doc(id));
  });
  await new Promise<void>((resolve) => docs.listen(0, '127.0.0.1', resolve));
  docBase = `http://127.0.0.1:${(docs.address() as AddressInfo).port}`;
  stack = await startStack({ overrides: { cimd: { allowLoopbackHttp: true } } });
  strict = await startStack({ noUpstream: true });
});

afterAll(async () => {
  for (const res of held) res.destroy();
  await stack?.close();
  await strict?.close();
  docs?.closeAllConnections();
  await new Promise<void>((resolve) => docs?.close(() => resolve()));
});

function authorize(base: string, clientId: string, redirectUri = REDIRECT): URL {
  return authorizeUrl(base, { clientId, redirectUri, challenge: pkce().challenge });
}

async function refusal(res: Response): Promise<{ error: string; error_description: string }> {
  return (await res.json()) as { error: string; error_description: string };
}

describe('3. metadata-document fetches are bounded', () => {
  it('an endless body is cut at 5 KB and refused at once, not read to the end', async () => {
    const started = Date.now();
    const res = await fetch(authorize(stack.remote.publicUrl, `${docBase}/endless.json`), {
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    const body = await refusal(res);
    expect(body.error).toBe('invalid_client');
    expect(body.error_description).toMatch(/too large/);
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect.poll(() => endlessClosed, { timeout: 2_000 }).toBe(true);
  });

  it('asks for identity encoding and refuses a compressed body instead of inflating it', async () => {
    const res = await fetch(authorize(stack.remote.publicUrl, `${docBase}/gzip.json`), {
      redirect: 'manual',
    });
    expect(seen['/gzip.json']?.headers['accept-encoding']).toBe('identity');
    expect(res.status).toBe(400);
    const body = await refusal(res);
    expect(body.error).toBe('invalid_client');
    expect(body.error_description).toMatch(/content-encoding gzip is not accepted/);
  });

  it('at most two fetches at once per client address: the third is 429 too_many_requests', async () => {
    const open = [1, 2].map((n) =>
      fetch(authorize(stack.remote.publicUrl, `${docBase}/slow/${n}.json`), { redirect: 'manual' }),
    );
    await expect.poll(() => held.length, { timeout: 5_000 }).toBe(2);
    const third = await fetch(authorize(stack.remote.publicUrl, `${docBase}/slow/3.json`), {
      redirect: 'manual',
    });
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('1');
    expect((await refusal(third)).error).toBe('too_many_requests');
    expect(seen['/slow/3.json']).toBeUndefined();
    for (const res of held.splice(0)) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end((res as ServerResponse & { body?: string }).body);
    }
    for (const res of await Promise.all(open)) expect(res.status).toBe(200);
    // The slots are free again.
    const later = await fetch(authorize(stack.remote.publicUrl, `${docBase}/later.json`), {
      redirect: 'manual',
    });
    expect(later.status).toBe(200);
  });
});

describe('4. the private-address guard', () => {
  it('a failed connection is answered with a generic error, not the connect error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const res = await fetch(authorize(stack.remote.publicUrl, `http://127.0.0.1:${port}/meta.json`), {
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    const body = await refusal(res);
    expect(body.error).toBe('invalid_client');
    expect(body.error_description).toBe('client metadata document could not be fetched');
    expect(body.error_description).not.toMatch(/ECONN|connect|127\.0\.0\.1|\d{4,5}/);
  });

  it.each([
    'https://[::7f00:1]/meta.json',
    'https://[::ffff:127.0.0.1]/meta.json',
    'https://[64:ff9b::7f00:1]/meta.json',
    'https://[2002:7f00:1::]/meta.json',
    'https://[ff02::1]/meta.json',
    'https://224.0.0.1/meta.json',
    'https://240.0.0.1/meta.json',
    'https://app.localhost/meta.json',
  ])('%s is refused before any connection (400 invalid_client)', async (clientId) => {
    const res = await fetch(authorize(strict.remote.publicUrl, clientId), { redirect: 'manual' });
    expect(res.status).toBe(400);
    const body = await refusal(res);
    expect(body.error).toBe('invalid_client');
    expect(body.error_description).toBe('client_id URL names a private address');
  });
});

describe('7. a refused refresh does not spend the refresh token', () => {
  it('a wrong resource, then a wider scope, then the correct refresh: 400, 400, 200', async () => {
    const base = stack.remote.publicUrl;
    const t = await tokensViaApiKey(base, stack.sandbox.demoKey);
    const refresh = (extra: Record<string, string> = {}) =>
      tokenRequest(base, {
        grant_type: 'refresh_token',
        client_id: t.clientId,
        refresh_token: t.refresh_token,
        ...extra,
      });
    const badResource = await refresh({ resource: 'https://evil.example/mcp' });
    expect(badResource.status).toBe(400);
    expect((await refusal(badResource)).error).toBe('invalid_target');
    const wider = await refresh({ scope: `${t.scope} graph8:admin` });
    expect(wider.status).toBe(400);
    expect((await refusal(wider)).error).toBe('invalid_scope');
    const ok = await refresh({ resource: new URL('/mcp', base).href });
    expect(ok.status).toBe(200);
    // Rotation and reuse detection still hold: the spent token is now refused.
    expect((await refresh()).status).toBe(400);
  });
});

describe('8. no redirect before the client and redirect URI are known good', () => {
  it('a stored client whose redirect URI is no longer allowed is never redirected to', async () => {
    const store = await openSqliteAuthStore(stack.dataDir);
    const clientId = `legacy-${Date.now()}`;
    await store.saveClient(
      {
        client_id: clientId,
        redirect_uris: ['intent://evil.example/cb'],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
      Date.now(),
    );
    await store.close();
    const url = authorize(stack.remote.publicUrl, clientId, 'intent://evil.example/cb');
    url.searchParams.set('response_type', 'token'); // fails in phase 2 on the old code: redirected
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect((await refusal(res)).error).toBe('invalid_request');
  });

  it('a browser with an unknown client gets an error page (400 html), never a redirect', async () => {
    const res = await fetch(authorize(stack.remote.publicUrl, 'no-such-client', 'https://evil.example/cb'), {
      redirect: 'manual',
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const html = await res.text();
    expect(html).toContain('Sign-in request refused');
    expect(html).toContain('invalid_client');
    expect(html).not.toContain('evil.example');
  });
});

describe('9. redirect URI schemes are an allowlist', () => {
  it.each([
    'ws://evil.example/cb',
    'wss://evil.example/cb',
    'intent://evil.example/cb#Intent;scheme=https;end',
    'intent://evil.example/cb',
    'view-source:https://evil.example/cb',
    'myapp:/callback',
    'mailto:someone@evil.example',
    'com.:/cb',
  ])('registration refuses %s (400 invalid_client_metadata)', async (uri) => {
    const res = await fetch(new URL('/register', stack.remote.publicUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [uri] }),
    });
    expect(res.status).toBe(400);
    expect((await refusal(res)).error).toBe('invalid_client_metadata');
  });

  it('accepts https, loopback http, reverse-domain private-use schemes (RFC 8252 §7.1)', async () => {
    const id = await register(stack.remote.publicUrl, [
      'https://app.example/cb',
      'http://127.0.0.1:7777/cb',
      'com.example.app:/oauth2redirect',
      'cursor://anysphere.cursor-retrieval/oauth/user-graph8/callback',
    ]);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
