/**
 * The remote-mode journey as a user lives it: the built server (`g8-mcp-server --http`) in front
 * of the sandbox, the MCP SDK's own client OAuth machinery (StreamableHTTPClientTransport with an
 * OAuthClientProvider), and headless Chromium completing the consent page — through "Sign in
 * with graph8" (the sandbox's upstream OAuth) and through "Use an API key".
 *
 * Every byte the server sends the sandbox passes a recording proxy, so the test can prove the
 * MCP client's tokens never reach graph8. The sandbox's upstream tokens live 4 s here, so the
 * server has to refresh them during the test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { auth, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxHandle, startSandbox } from '../../packages/sandbox/src/index.js';
import { toolsForMode } from '../../src/catalogue/select.js';
import { catalogue } from '../../tools/index.js';
import {
  launchBrowser,
  signInWithApiKey,
  signInWithGraph8,
  skipWithoutBrowser,
} from '../helpers/http-browser.js';
import { initialize, tokenRequest } from '../helpers/http-consent.js';
import { startCallbackServer, TestOAuthProvider } from '../helpers/http-oauth-client.js';
import { type RemoteProcess, spawnRemote } from '../helpers/http-process.js';
import { type RecordingProxy, startRecordingProxy } from '../helpers/http-proxy.js';

/** No Chromium here: the tests below are skipped, loudly (see test/helpers/http-browser.ts). */
const SKIP = skipWithoutBrowser(import.meta.url);

const SCREENSHOT = join(process.cwd(), 'test', 'artifacts', 'consent-page.png');
const UPSTREAM_TTL_SEC = 4;

let dir: string;
let sandbox: SandboxHandle;
let proxy: RecordingProxy;
let server: RemoteProcess;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'g8-oauth-e2e-'));
  sandbox = await startSandbox({
    port: 0,
    dbPath: join(dir, 'sandbox.db'),
    log: () => {},
    oauth: { accessTokenTtlSec: UPSTREAM_TTL_SEC },
  });
  proxy = await startRecordingProxy(sandbox.url);
  server = await spawnRemote({
    G8_API_URL: proxy.url,
    G8_OAUTH_ISSUER: proxy.url,
    G8_OAUTH_CLIENT_ID: sandbox.oauthClient.clientId,
    G8_OAUTH_CLIENT_SECRET: sandbox.oauthClient.clientSecret,
    G8_DATA_DIR: join(dir, 'data'),
    G8_PACE: 'off',
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await proxy?.close();
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function connected(provider: TestOAuthProvider, url = server.url): Promise<Client> {
  const client = new Client({ name: 'e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }));
  return client;
}

async function searchContacts(client: Client) {
  const result = await client.callTool({ name: 'g8_search_contacts', arguments: { limit: 3 } });
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  return result.structuredContent as { items: { first_name: string }[]; pagination: { total: number } };
}

/** Starts the SDK's flow: discovery, registration, and the authorization URL it would open. */
async function startFlow(
  provider: TestOAuthProvider,
  url = server.url,
): Promise<StreamableHTTPClientTransport> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
  const client = new Client({ name: 'e2e', version: '1.0.0' });
  await expect(client.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
  expect(provider.authorizationUrl, 'the SDK was sent to /authorize').toBeDefined();
  return transport;
}

describe.skipIf(SKIP)('remote mode: OAuth sign-in from an MCP client', () => {
  it('Sign in with graph8: discover, register, consent in Chromium, call tools, refresh, revoke', async () => {
    const callback = await startCallbackServer();
    const provider = new TestOAuthProvider(callback.url, 'Claude Code (E2E)');
    try {
      const transport = await startFlow(provider);
      const authorizeUrl = provider.authorizationUrl as URL;
      expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(new URL('/authorize', server.url).href);
      expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorizeUrl.searchParams.get('resource')).toBe(server.url);
      expect(provider.clientInformation()?.client_id).toMatch(/^[0-9a-f-]{36}$/);

      const consentText = await signInWithGraph8(browser, authorizeUrl, {
        screenshot: SCREENSHOT,
        user: /Maya Chen/,
        callbackUrl: callback.url,
      });
      // The consent page named the client, where it returns to, and the access asked for.
      expect(consentText).toContain('Claude Code (E2E)');
      expect(consentText).toContain(new URL(callback.url).host);
      expect(consentText).toMatch(/graph8:read[\s\S]*graph8:write/);

      const back = await callback.next();
      expect(back.error).toBeUndefined();
      expect(back.state).toBe('test-state-123');
      expect(back.iss).toBe(server.publicUrl);
      await transport.finishAuth(back.code as string);
      const codeUsed = back.code as string;

      const client = await connected(provider);
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('g8_search_contacts');
      const first = await searchContacts(client);
      expect(first.items).toHaveLength(3);
      expect(first.pagination.total).toBeGreaterThan(100);

      // The upstream token expires; the server refreshes it with graph8 on the next call.
      const refreshesBefore = proxy.requests.filter(
        (r) => r.url === '/oauth/token' && r.body.includes('grant_type=refresh_token'),
      ).length;
      await sleep(UPSTREAM_TTL_SEC * 1000 + 200);
      await searchContacts(client);
      const refreshesAfter = proxy.requests.filter(
        (r) => r.url === '/oauth/token' && r.body.includes('grant_type=refresh_token'),
      ).length;
      expect(refreshesAfter).toBeGreaterThan(refreshesBefore);
      await client.close();

      // The MCP refresh token rotates: the SDK refreshes, and the new access token works.
      const before = provider.tokens();
      expect(await auth(provider, { serverUrl: new URL(server.url) })).toBe('AUTHORIZED');
      const after = provider.tokens();
      expect(after?.access_token).not.toBe(before?.access_token);
      expect(after?.refresh_token).not.toBe(before?.refresh_token);
      const again = await connected(provider);
      await searchContacts(again);
      await again.close();

      // A revoked access token is refused.
      const revoke = await fetch(new URL('/revoke', server.url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          token: after?.access_token as string,
          client_id: provider.clientInformation()?.client_id as string,
        }),
      });
      expect(revoke.status).toBe(200);
      const refused = await initialize(server.url, { authorization: `Bearer ${after?.access_token}` });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/error="invalid_token".*resource_metadata=/);

      // Reusing the rotated-away refresh token is theft: refused, and the whole grant ends.
      const reuse = await tokenRequest(server.url, {
        grant_type: 'refresh_token',
        refresh_token: before?.refresh_token as string,
        client_id: provider.clientInformation()?.client_id as string,
      });
      expect(reuse.status).toBe(400);
      expect(((await reuse.json()) as { error: string }).error).toBe('invalid_grant');
      const dead = await tokenRequest(server.url, {
        grant_type: 'refresh_token',
        refresh_token: after?.refresh_token as string,
        client_id: provider.clientInformation()?.client_id as string,
      });
      expect(dead.status).toBe(400);

      // No token passthrough: nothing the MCP client ever held reached the sandbox.
      const upstream = proxy.transcript();
      expect(proxy.requests.some((r) => r.url.startsWith('/api/v1/contacts'))).toBe(true);
      for (const secret of [...provider.seenTokens, codeUsed]) {
        expect(upstream).not.toContain(secret);
        expect(server.stderr()).not.toContain(secret);
      }
      // Upstream calls carried the sandbox's own OAuth tokens instead.
      const apiAuth = proxy.requests
        .filter((r) => r.url.startsWith('/api/v1/'))
        .map((r) => r.headers.authorization);
      expect(apiAuth.every((a) => /^Bearer g8at_/.test(a ?? ''))).toBe(true);
    } finally {
      await callback.close();
    }
  });

  it('Use an API key: the same flow through the consent page, with a pasted key', async () => {
    const callback = await startCallbackServer();
    const provider = new TestOAuthProvider(callback.url, 'Cursor (E2E)');
    try {
      const transport = await startFlow(provider, `${server.url}?mode=gtm&toolsets=contacts`);
      await signInWithApiKey(browser, provider.authorizationUrl as URL, sandbox.demoKey, callback.url);
      const back = await callback.next();
      expect(back.code).toBeDefined();
      await transport.finishAuth(back.code as string);

      const client = await connected(provider, `${server.url}?mode=gtm&toolsets=contacts`);
      // The URL's selection holds: the contacts tools of gtm mode, and no other catalogue tool.
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(['g8_search_contacts', 'g8_get_contact']));
      const others = toolsForMode(catalogue, 'all').filter((t) => t.spec.toolset !== 'contacts');
      expect(names.filter((n) => others.some((t) => t.name === n))).toEqual([]);
      const found = await searchContacts(client);
      expect(found.items).toHaveLength(3);
      await client.close();

      const upstream = proxy.transcript();
      for (const secret of provider.seenTokens) expect(upstream).not.toContain(secret);
      expect(server.stderr()).not.toContain(sandbox.demoKey);
    } finally {
      await callback.close();
    }
  });
});
