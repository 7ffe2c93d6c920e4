/**
 * "Sign in with graph8" across replicas, as a user lives it: two built replicas on the real
 * PostgreSQL and Redis behind a round-robin proxy without affinity (test/helpers/replica-cluster.ts),
 * the MCP SDK's client OAuth machinery, and headless Chromium on the consent page. Each step of the
 * sign-in (registration, /authorize, the consent page, the upstream callback, /token) lands on
 * whichever replica the proxy picks; the tokens work on both; a refresh on B works; the old
 * refresh token replayed on A ends the grant on both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxHandle, startSandbox } from '../../packages/sandbox/src/index.js';
import { type Engines, freshEngines } from '../helpers/engines.js';
import { launchBrowser, signInWithGraph8, skipWithoutBrowser } from '../helpers/http-browser.js';
import { initialize, tokenRequest } from '../helpers/http-consent.js';
import { startCallbackServer, TestOAuthProvider } from '../helpers/http-oauth-client.js';
import { type ReplicaCluster, startReplicaCluster } from '../helpers/replica-cluster.js';

const SKIP = skipWithoutBrowser(import.meta.url);

let dir: string;
let engines: Engines;
let sandbox: SandboxHandle;
let cluster: ReplicaCluster;
let browser: Browser;

beforeAll(async () => {
  if (SKIP) return;
  dir = mkdtempSync(join(tmpdir(), 'g8-oauth-replicas-'));
  engines = await freshEngines();
  sandbox = await startSandbox({ port: 0, dbPath: join(dir, 'sandbox.db'), log: () => {} });
  cluster = await startReplicaCluster({
    ...engines.env,
    G8_API_URL: sandbox.url,
    G8_OAUTH_ISSUER: sandbox.url,
    G8_OAUTH_CLIENT_ID: sandbox.oauthClient.clientId,
    G8_OAUTH_CLIENT_SECRET: sandbox.oauthClient.clientSecret,
    G8_PACE: 'off',
    G8_DISCOVERY: 'off',
  });
  browser = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await cluster?.close();
  await sandbox?.close();
  await engines?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Requests to `path` from here on go to replica `i` (undefined: the round robin again). */
function pin(path: string, i: number | undefined): void {
  cluster.route = (req) => (i !== undefined && req.url?.startsWith(path) ? i : undefined);
}

const landedSince = (from: number, path: string) =>
  cluster.landed.slice(from).filter((l) => l.method === 'POST' && l.body.includes(path));

describe.skipIf(SKIP)('remote mode on two replicas: OAuth sign-in in the browser', () => {
  it('signs in across replicas; tokens, refresh and reuse detection hold on both', async () => {
    const callback = await startCallbackServer();
    const provider = new TestOAuthProvider(callback.url, 'Claude Code (two replicas)');
    try {
      const start = cluster.landed.length;
      const transport = new StreamableHTTPClientTransport(new URL(cluster.url), { authProvider: provider });
      await expect(new Client({ name: 'e2e', version: '1' }).connect(transport)).rejects.toBeInstanceOf(
        UnauthorizedError,
      );
      await signInWithGraph8(browser, provider.authorizationUrl as URL, {
        user: /Maya Chen/,
        callbackUrl: callback.url,
      });
      const back = await callback.next();
      expect(back.error).toBeUndefined();
      await transport.finishAuth(back.code as string);
      // The sign-in's steps were served by both replicas (no affinity anywhere).
      const served = new Set(cluster.landed.slice(start).map((l) => l.replica));
      expect(served).toEqual(new Set([0, 1]));

      const client = new Client({ name: 'e2e', version: '1' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(cluster.url), { authProvider: provider }),
      );
      const callsFrom = cluster.landed.length;
      for (let i = 0; i < 6; i++) {
        const result = await client.callTool({ name: 'g8_search_contacts', arguments: { limit: 2 } });
        expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      }
      expect(new Set(landedSince(callsFrom, 'tools/call').map((l) => l.replica))).toEqual(new Set([0, 1]));
      await client.close();

      // Refresh on B: new tokens, which A accepts.
      const clientId = provider.clientInformation()?.client_id as string;
      const refresh = (token: string) =>
        tokenRequest(cluster.url, { grant_type: 'refresh_token', refresh_token: token, client_id: clientId });
      const first = provider.tokens();
      pin('/token', 1);
      const refreshed = await refresh(first?.refresh_token as string);
      expect(refreshed.status).toBe(200);
      const second = (await refreshed.json()) as { access_token: string; refresh_token: string };
      expect(second.refresh_token).not.toBe(first?.refresh_token);
      for (const replica of [0, 1]) {
        pin('/mcp', replica);
        expect(
          (await initialize(cluster.url, { authorization: `Bearer ${second.access_token}` })).status,
        ).toBe(200);
      }

      // The old refresh token replayed on A: refused, and the grant ends on both replicas.
      pin('/token', 0);
      const reuse = await refresh(first?.refresh_token as string);
      expect(reuse.status).toBe(400);
      expect(((await reuse.json()) as { error: string }).error).toBe('invalid_grant');
      for (const replica of [0, 1]) {
        pin('/mcp', replica);
        expect(
          (await initialize(cluster.url, { authorization: `Bearer ${second.access_token}` })).status,
        ).toBe(401);
        pin('/token', replica);
        expect((await refresh(second.refresh_token)).status).toBe(400);
      }
      pin('/', undefined);
      // No replica logged a token or the code.
      for (const r of cluster.replicas) {
        for (const secret of [...provider.seenTokens, back.code as string])
          expect(r.log()).not.toContain(secret);
      }
    } finally {
      await callback.close();
    }
  }, 120_000);
});
