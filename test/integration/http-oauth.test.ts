/**
 * The authorization server, at the HTTP level: every refusal the issue lists (no token, wrong
 * audience, expired, revoked, tampered, PKCE mismatch, redirect mismatch, unknown client, replayed
 * code, bad CSRF), with its status and OAuth error; dynamic registration rules; scopes; refresh
 * rotation; and what is (not) kept at rest. The consent page is driven with plain HTTP here (the
 * browser journey is in test/e2e/oauth-browser.test.ts).
 */
import { cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/auth/crypto.js';
import { AUTH_MIGRATIONS } from '../../src/auth/sqlite-store.js';
import { openSqlite } from '../../src/stores/sqlite.js';
import {
  authorizeUrl,
  codeViaApiKey,
  initialize,
  openConsent,
  pkce,
  register,
  submitConsent,
  tokenRequest,
  tokensViaApiKey,
} from '../helpers/http-consent.js';
import { type Stack, startStack } from '../helpers/http-stack.js';

const REDIRECT = 'http://127.0.0.1:9/callback';

let stack: Stack;
let base: string;
let mcp: string;
let key: string;

beforeAll(async () => {
  stack = await startStack({ env: { G8_DISCOVERY: 'off' } });
  base = stack.remote.publicUrl;
  mcp = stack.remote.url;
  key = stack.sandbox.demoKey;
});

afterAll(async () => {
  await stack?.close();
});

async function oauthError(res: Response): Promise<string> {
  return ((await res.json()) as { error: string }).error;
}

function bearer(token: string) {
  return { authorization: `Bearer ${token}` };
}

async function freshCode(opts: { scope?: string; redirect?: string } = {}) {
  const redirect = opts.redirect ?? REDIRECT;
  const clientId = await register(base, [redirect]);
  const p = pkce();
  const url = authorizeUrl(base, {
    clientId,
    redirectUri: redirect,
    challenge: p.challenge,
    scope: opts.scope,
  });
  return { clientId, ...p, redirect, code: await codeViaApiKey(url, key) };
}

describe('refusals at /mcp', () => {
  it('no token: 401 and the metadata URL', async () => {
    const res = await initialize(mcp, {});
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('resource_metadata=');
  });

  it('a tampered token: 401 invalid_token', async () => {
    const t = await tokensViaApiKey(base, key);
    const last = t.access_token.at(-1) === 'A' ? 'B' : 'A';
    const res = await initialize(mcp, bearer(t.access_token.slice(0, -1) + last));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expect((await initialize(mcp, bearer(t.access_token))).status).toBe(200);
  });

  it('a revoked token: 401 invalid_token', async () => {
    const t = await tokensViaApiKey(base, key);
    const res = await fetch(new URL('/revoke', base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: t.access_token, client_id: t.clientId }),
    });
    expect(res.status).toBe(200);
    const refused = await initialize(mcp, bearer(t.access_token));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(
      /error_description="The access token was revoked"/,
    );
  });

  it('an expired token: 401 invalid_token', async () => {
    const remote = await stack.restart({ G8_ACCESS_TOKEN_TTL_SEC: '1' });
    const t = await tokensViaApiKey(remote.publicUrl, key);
    expect(t.expires_in).toBe(1);
    await sleep(1100);
    const res = await initialize(remote.url, bearer(t.access_token));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error_description="The access token expired"/);
  });

  it('a token issued for another resource (wrong audience): 401 invalid_token', async () => {
    // A second server on the same store with another public URL: its tokens name its own /mcp.
    const other = await stack.restart({ G8_PUBLIC_URL: 'http://localhost:1' });
    const t = await tokensViaApiKey(base, key);
    const record = await stack.remote.store.getToken(sha256Hex(t.access_token));
    const foreign = 'mcp_at_foreignAudienceToken0000000000000000000000';
    await other.store.putToken({
      ...record!,
      tokenHash: sha256Hex(foreign),
      resource: 'http://localhost:1/mcp',
    });
    const res = await initialize(mcp, bearer(foreign));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/not issued for this resource/);
  });
});

describe('refusals at /authorize and /token', () => {
  it('an unknown client: 400 invalid_client at both endpoints', async () => {
    const p = pkce();
    const res = await fetch(
      authorizeUrl(base, { clientId: 'nope', redirectUri: REDIRECT, challenge: p.challenge }),
      {
        redirect: 'manual',
      },
    );
    expect(res.status).toBe(400);
    expect(await oauthError(res)).toBe('invalid_client');
    const token = await tokenRequest(base, {
      grant_type: 'authorization_code',
      client_id: 'nope',
      code: 'x',
      code_verifier: p.verifier,
    });
    expect(token.status).toBe(400);
    expect(await oauthError(token)).toBe('invalid_client');
  });

  it('a redirect_uri that was not registered: 400 at /authorize, nothing redirected', async () => {
    const clientId = await register(base, [REDIRECT]);
    for (const uri of [
      'http://127.0.0.1:9/other',
      'https://evil.example/callback',
      'http://localhost:9/callback',
    ]) {
      const res = await fetch(
        authorizeUrl(base, { clientId, redirectUri: uri, challenge: pkce().challenge }),
        {
          redirect: 'manual',
        },
      );
      expect(res.status, uri).toBe(400);
      expect(await oauthError(res)).toBe('invalid_request');
      expect(res.headers.get('location')).toBeNull();
    }
  });

  it('a redirect_uri at /token different from the one authorized: 400 invalid_grant', async () => {
    const c = await freshCode();
    const res = await tokenRequest(base, {
      grant_type: 'authorization_code',
      client_id: c.clientId,
      code: c.code,
      code_verifier: c.verifier,
      redirect_uri: 'http://127.0.0.1:9/elsewhere',
    });
    expect(res.status).toBe(400);
    expect(await oauthError(res)).toBe('invalid_grant');
  });

  it('a PKCE mismatch: 400 invalid_grant, and the code is spent', async () => {
    const c = await freshCode();
    const exchange = (verifier: string) =>
      tokenRequest(base, {
        grant_type: 'authorization_code',
        client_id: c.clientId,
        code: c.code,
        code_verifier: verifier,
        redirect_uri: c.redirect,
      });
    const wrong = await exchange(pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(await oauthError(wrong)).toBe('invalid_grant');
    expect((await exchange(c.verifier)).status).toBe(400);
  });

  it('PKCE is required, and only S256', async () => {
    const clientId = await register(base, [REDIRECT]);
    const url = authorizeUrl(base, { clientId, redirectUri: REDIRECT, challenge: pkce().challenge });
    url.searchParams.set('code_challenge_method', 'plain');
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location') as string).searchParams.get('error')).toBe('invalid_request');
  });

  it('a replayed code: 400 invalid_grant, and the tokens it first gave are revoked', async () => {
    const c = await freshCode();
    const exchange = () =>
      tokenRequest(base, {
        grant_type: 'authorization_code',
        client_id: c.clientId,
        code: c.code,
        code_verifier: c.verifier,
        redirect_uri: c.redirect,
      });
    const first = await exchange();
    expect(first.status).toBe(200);
    const tokens = (await first.json()) as { access_token: string };
    expect((await initialize(mcp, bearer(tokens.access_token))).status).toBe(200);
    const replay = await exchange();
    expect(replay.status).toBe(400);
    expect(await oauthError(replay)).toBe('invalid_grant');
    expect((await initialize(mcp, bearer(tokens.access_token))).status).toBe(401);
  });

  it('another resource at /authorize or /token: invalid_target; a trailing slash or none is fine', async () => {
    const clientId = await register(base, [REDIRECT]);
    const url = authorizeUrl(base, {
      clientId,
      redirectUri: REDIRECT,
      challenge: pkce().challenge,
      resource: 'https://evil.example/mcp',
    });
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') as string);
    expect(location.searchParams.get('error')).toBe('invalid_target');
    expect(location.searchParams.get('state')).toBe('st-1');

    for (const resource of [`${mcp}/`, undefined]) {
      const p = pkce();
      const code = await codeViaApiKey(
        authorizeUrl(base, {
          clientId,
          redirectUri: REDIRECT,
          challenge: p.challenge,
          ...(resource ? { resource } : {}),
        }),
        key,
      );
      const ok = await tokenRequest(base, {
        grant_type: 'authorization_code',
        client_id: clientId,
        code,
        code_verifier: p.verifier,
        redirect_uri: REDIRECT,
        ...(resource ? { resource } : {}),
      });
      expect(ok.status, String(resource)).toBe(200);
    }
    const c = await freshCode();
    const wrong = await tokenRequest(base, {
      grant_type: 'authorization_code',
      client_id: c.clientId,
      code: c.code,
      code_verifier: c.verifier,
      redirect_uri: c.redirect,
      resource: 'https://evil.example/mcp',
    });
    expect(wrong.status).toBe(400);
    expect(await oauthError(wrong)).toBe('invalid_target');
  });

  it('an unknown scope: redirected back with invalid_scope', async () => {
    const clientId = await register(base, [REDIRECT]);
    const res = await fetch(
      authorizeUrl(base, {
        clientId,
        redirectUri: REDIRECT,
        challenge: pkce().challenge,
        scope: 'graph8:admin',
      }),
      {
        redirect: 'manual',
      },
    );
    expect(new URL(res.headers.get('location') as string).searchParams.get('error')).toBe('invalid_scope');
  });
});

describe('registration', () => {
  it('registers public clients only, and loopback redirects match on any port (RFC 8252)', async () => {
    const res = await fetch(new URL('/register', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'Native app',
        redirect_uris: ['http://127.0.0.1:5555/cb'],
        token_endpoint_auth_method: 'client_secret_post',
      }),
    });
    expect(res.status).toBe(201);
    const client = (await res.json()) as Record<string, unknown>;
    expect(client.client_secret).toBeUndefined();
    expect(client.token_endpoint_auth_method).toBe('none');
    const page = await openConsent(
      authorizeUrl(base, {
        clientId: client.client_id as string,
        redirectUri: 'http://127.0.0.1:61234/cb',
        challenge: pkce().challenge,
      }),
    );
    expect(page.status).toBe(200);
    expect(page.html).toContain('127.0.0.1:61234');
  });

  it.each([
    ['http://evil.example/cb', /plain http is only allowed on a loopback host/],
    ['javascript:alert(1)', /.+/],
    ['https://app.example/cb#frag', /fragment/],
  ])('refuses redirect %s with invalid_client_metadata', async (uri, message) => {
    const res = await fetch(new URL('/register', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [uri] }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_client_metadata');
    expect(body.error_description).toMatch(message);
  });

  it('accepts custom-scheme redirects of desktop apps (cursor://…)', async () => {
    const clientId = await register(base, ['cursor://anysphere.cursor-retrieval/oauth/user-graph8/callback']);
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('the consent page', () => {
  async function page() {
    const clientId = await register(base, [REDIRECT], 'Windsurf <script>x</script>');
    return openConsent(
      authorizeUrl(base, { clientId, redirectUri: REDIRECT, challenge: pkce().challenge, state: 'keep-me' }),
    );
  }

  it('is self-contained, unframeable, uncached, and escapes what the client says about itself', async () => {
    const p = await page();
    expect(p.status).toBe(200);
    const csp = p.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/form-action 'self' http:\/\/127\.0\.0\.1:9 http:\/\/127\.0\.0\.1:\d+/);
    expect(p.headers.get('x-frame-options')).toBe('DENY');
    expect(p.headers.get('cache-control')).toBe('no-store');
    expect(p.cookie).toMatch(/^g8_mcp_consent=/);
    expect(p.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Lax/);
    expect(p.html).toContain('Windsurf &lt;script&gt;x&lt;/script&gt;');
    expect(p.html).not.toMatch(/<script|src=|href="http/);
    expect(p.html).toContain('<label for="api_key">');
    expect(p.html).toContain('Sign in with graph8');
  });

  it('refuses a wrong CSRF token, a missing or foreign cookie, and a foreign Origin (403)', async () => {
    const p = await page();
    const wrongCsrf = await submitConsent(
      base,
      { ...p, csrf: 'x'.repeat(43) },
      { action: 'api_key', api_key: key },
    );
    expect(wrongCsrf.status).toBe(403);
    const noCookie = await submitConsent(base, p, { action: 'api_key', api_key: key }, { cookie: undefined });
    expect(noCookie.status).toBe(403);
    const otherBrowser = await submitConsent(
      base,
      p,
      { action: 'api_key', api_key: key },
      { cookie: `g8_mcp_consent=${'a'.repeat(43)}` },
    );
    expect(otherBrowser.status).toBe(403);
    const foreign = await submitConsent(
      base,
      p,
      { action: 'api_key', api_key: key },
      { origin: 'https://evil.example' },
    );
    expect(foreign.status).toBe(403);
    // The genuine form still works afterwards.
    const ok = await submitConsent(base, p, { action: 'api_key', api_key: key });
    expect(ok.status).toBe(303);
  });

  it('Cancel sends the client access_denied with its state; a used request cannot be sent again', async () => {
    const p = await page();
    const res = await submitConsent(base, p, { action: 'deny' });
    const location = new URL(res.headers.get('location') as string);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('keep-me');
    expect(location.searchParams.get('iss')).toBe(base);
    expect((await submitConsent(base, p, { action: 'deny' })).status).toBe(400);
  });

  it('a refused API key shows the page again with the reason, and no code', async () => {
    const p = await page();
    const res = await submitConsent(base, p, {
      action: 'api_key',
      api_key: 'g8_test_notARealKeyAtAll0000000000',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/role="alert">graph8 refused that API key/);
    const malformed = await submitConsent(base, p, { action: 'api_key', api_key: 'sk_live_123' });
    expect(malformed.status).toBe(400);
  });
});

describe('tokens', () => {
  it('refresh tokens rotate; a reused one ends the grant', async () => {
    const t = await tokensViaApiKey(base, key);
    const refresh = (token: string) =>
      tokenRequest(base, { grant_type: 'refresh_token', refresh_token: token, client_id: t.clientId });
    const next = await refresh(t.refresh_token);
    expect(next.status).toBe(200);
    const rotated = (await next.json()) as { access_token: string; refresh_token: string };
    expect(rotated.refresh_token).not.toBe(t.refresh_token);
    expect((await initialize(mcp, bearer(rotated.access_token))).status).toBe(200);
    const reuse = await refresh(t.refresh_token);
    expect(reuse.status).toBe(400);
    expect(await oauthError(reuse)).toBe('invalid_grant');
    expect((await initialize(mcp, bearer(rotated.access_token))).status).toBe(401);
    expect((await refresh(rotated.refresh_token)).status).toBe(400);
  });

  it('another client cannot use (or burn) a refresh token', async () => {
    const t = await tokensViaApiKey(base, key);
    const thief = await register(base, [REDIRECT]);
    const stolen = await tokenRequest(base, {
      grant_type: 'refresh_token',
      refresh_token: t.refresh_token,
      client_id: thief,
    });
    expect(stolen.status).toBe(400);
    const own = await tokenRequest(base, {
      grant_type: 'refresh_token',
      refresh_token: t.refresh_token,
      client_id: t.clientId,
    });
    expect(own.status).toBe(200);
  });

  it('graph8:read alone gives a read-only session; a refresh cannot widen the scope', async () => {
    const c = await freshCode({ scope: 'graph8:read' });
    const res = await tokenRequest(base, {
      grant_type: 'authorization_code',
      client_id: c.clientId,
      code: c.code,
      code_verifier: c.verifier,
      redirect_uri: c.redirect,
    });
    const t = (await res.json()) as { access_token: string; refresh_token: string; scope: string };
    expect(t.scope).toBe('graph8:read');
    const client = new Client({ name: 'read-only', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${mcp}?mode=dev`), {
        requestInit: { headers: bearer(t.access_token) },
      }),
    );
    const { tools } = await client.listTools();
    await client.close();
    expect(tools.length).toBeGreaterThan(5);
    expect(tools.every((tool) => tool.annotations?.readOnlyHint === true)).toBe(true);
    const wider = await tokenRequest(base, {
      grant_type: 'refresh_token',
      refresh_token: t.refresh_token,
      client_id: c.clientId,
      scope: 'graph8:read graph8:write',
    });
    expect(wider.status).toBe(400);
    expect(await oauthError(wider)).toBe('invalid_scope');
  });

  it('grants and tokens survive a restart on the same data directory', async () => {
    const t = await tokensViaApiKey(base, key);
    // Same public URL, data directory and secret; another port, as after a restart behind a proxy.
    const again = await stack.restart({ G8_PUBLIC_URL: base });
    const direct = `http://127.0.0.1:${again.port}/mcp`;
    const client = new Client({ name: 'after-restart', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(direct), {
        requestInit: { headers: bearer(t.access_token) },
      }),
    );
    const result = await client.callTool({ name: 'g8_search_contacts', arguments: { limit: 1 } });
    expect(result.isError).toBeFalsy();
    await client.close();
  });
});

describe('secrets at rest', () => {
  it('stores tokens, codes and the API key only hashed or sealed, and keeps the generated secret 0600', async () => {
    const c = await freshCode();
    const res = await tokenRequest(base, {
      grant_type: 'authorization_code',
      client_id: c.clientId,
      code: c.code,
      code_verifier: c.verifier,
      redirect_uri: c.redirect,
    });
    const t = (await res.json()) as { access_token: string; refresh_token: string };
    // The running server holds oauth.db (one process per data directory): read a copy, WAL included.
    const copy = mkdtempSync(join(tmpdir(), 'g8-oauth-copy-'));
    for (const f of ['oauth.db', 'oauth.db-wal']) cpSync(join(stack.dataDir, f), join(copy, f));
    const db = await openSqlite(copy, 'oauth.db', 'OAuth grants', AUTH_MIGRATIONS);
    try {
      const dump = JSON.stringify(
        ['clients', 'pending', 'grants', 'codes', 'tokens'].map((table) =>
          db.prepare(`SELECT * FROM ${table}`).all(),
        ),
      );
      for (const secret of [t.access_token, t.refresh_token, c.code, key]) expect(dump).not.toContain(secret);
      expect(dump).toContain(sha256Hex(t.access_token));
      const grant = db.prepare<{ credential: string }>('SELECT credential FROM grants LIMIT 1').get();
      expect(grant?.credential).toMatch(/^v1:/);
    } finally {
      db.close();
      rmSync(copy, { recursive: true, force: true });
    }
    expect(statSync(join(stack.dataDir, 'mcp-secret')).mode & 0o777).toBe(0o600);
  });

  it('never logs a token, code or key', async () => {
    const t = await tokensViaApiKey(base, key);
    await initialize(mcp, bearer(t.access_token));
    const logs = stack.logs();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [t.access_token, t.refresh_token, key, stack.sandbox.oauthClient.clientSecret]) {
      expect(logs).not.toContain(secret);
    }
  });

  it('never sends the MCP token upstream: the sandbox saw only the API key', async () => {
    const t = await tokensViaApiKey(base, key);
    const init = await initialize(mcp, bearer(t.access_token));
    expect(init.status).toBe(200);
    const transcript = stack.proxy.transcript();
    expect(transcript).not.toContain(t.access_token);
    expect(transcript).not.toContain(t.refresh_token);
    expect(transcript).not.toMatch(/mcp_(at|rt|ac)_/);
  });
});
