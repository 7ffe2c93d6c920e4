/**
 * Remote mode's transport: health, DNS-rebinding and CORS guards, discovery metadata, the
 * API-key path for headless clients (Bearer g8_… and X-API-Key), tool selection on the URL,
 * sessions (ownership, DELETE, idle expiry, the cap), stateless mode, and JSON vs SSE answers.
 * Spoken to by the MCP SDK's own StreamableHTTPClientTransport where a client would be.
 */
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Selection, selectTools, toolsForMode } from '../../src/catalogue/select.js';
import type { RemoteServer } from '../../src/remote/server.js';
import { catalogue } from '../../tools/index.js';
import { initialize } from '../helpers/http-consent.js';
import { type Stack, startStack } from '../helpers/http-stack.js';
import { MAIN } from '../helpers/stdio.js';

let stack: Stack;
let mcp: string;
let key: string;

beforeAll(async () => {
  // Progressive discovery off, so tools/list shows each selection in full.
  stack = await startStack({ env: { G8_DISCOVERY: 'off' } });
  mcp = stack.remote.url;
  key = stack.sandbox.demoKey;
});

afterAll(async () => {
  await stack?.close();
});

async function keyClient(url: string, headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'headless', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

async function listed(url: string): Promise<string[]> {
  const client = await keyClient(url, { authorization: `Bearer ${key}` });
  try {
    return (await client.listTools()).tools.map((t) => t.name);
  } finally {
    await client.close();
  }
}

/** The selection's tools are listed, and no other catalogue tool is (meta tools aside). */
function expectSelection(names: string[], selection: Selection): void {
  const expected = selectTools(catalogue, selection).map((t) => t.name);
  const catalogueNames = new Set(toolsForMode(catalogue, 'all').map((t) => t.name));
  for (const mode of ['dev', 'gtm'] as const)
    for (const t of toolsForMode(catalogue, mode)) catalogueNames.add(t.name);
  expect(names).toEqual(expect.arrayContaining(expected));
  expect(names.filter((n) => catalogueNames.has(n) && !expected.includes(n))).toEqual([]);
}

/** fetch() may not set Host; node:http may. */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function mintKey(name: string): Promise<string> {
  const res = await fetch(`${stack.sandbox.url}/api/v1/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, mode: 'test' }),
  });
  return ((await res.json()) as { data: { api_key_token: string } }).data.api_key_token;
}

describe('health and guards', () => {
  it('/healthz and /readyz answer, even for a Host outside the allow-list (probes use the pod address)', async () => {
    const health = await fetch(new URL('/healthz', mcp));
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await getWithHost(new URL('/readyz', mcp).href, '10.1.2.3:8080');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'ready' });
  });

  it('a disallowed Host header is refused with 403 on every other route (DNS rebinding)', async () => {
    for (const path of ['/mcp', '/authorize', '/token', '/.well-known/oauth-authorization-server']) {
      const res = await getWithHost(new URL(path, mcp).href, 'evil.example');
      expect(res.status, path).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_host' });
      const rebound = await getWithHost(
        new URL(path, mcp).href,
        `rebind.attacker.example:${new URL(mcp).port}`,
      );
      expect(rebound.status, path).toBe(403);
    }
  });

  it('browser Origins: the public origin gets CORS, any other origin a 403', async () => {
    const origin = new URL(mcp).origin;
    const preflight = await fetch(mcp, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Mcp-Session-Id/);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const ok = await initialize(mcp, { origin, authorization: `Bearer ${key}` });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-expose-headers')).toMatch(/Mcp-Session-Id/);
    const evil = await initialize(mcp, { origin: 'https://evil.example', authorization: `Bearer ${key}` });
    expect(evil.status).toBe(403);
  });
});

describe('discovery', () => {
  it('serves RFC 9728 metadata at the root and the path-inserted URL', async () => {
    for (const path of [
      '/.well-known/oauth-protected-resource',
      '/.well-known/oauth-protected-resource/mcp',
    ]) {
      const res = await fetch(new URL(path, mcp));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        resource: mcp,
        authorization_servers: [stack.remote.publicUrl],
        scopes_supported: ['graph8:read', 'graph8:write'],
      });
    }
  });

  it('serves RFC 8414 metadata: S256 only, public clients, DCR, metadata documents, revocation', async () => {
    const res = await fetch(new URL('/.well-known/oauth-authorization-server', mcp));
    expect(await res.json()).toMatchObject({
      issuer: stack.remote.publicUrl,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      registration_endpoint: new URL('/register', mcp).href,
      revocation_endpoint: new URL('/revoke', mcp).href,
      client_id_metadata_document_supported: true,
      authorization_response_iss_parameter_supported: true,
    });
  });

  it('no token: 401 with WWW-Authenticate naming resource_metadata and the scope', async () => {
    const res = await initialize(mcp, {});
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${new URL('/.well-known/oauth-protected-resource/mcp', mcp).href}", scope="graph8:read graph8:write"`,
    );
    expect(await res.json()).toMatchObject({ error: 'invalid_token' });
  });
});

describe('API keys for headless clients (the non-OAuth path)', () => {
  it('Authorization: Bearer g8_… lists tools and calls g8_search_contacts', async () => {
    const client = await keyClient(mcp, { authorization: `Bearer ${key}` });
    const result = await client.callTool({ name: 'g8_search_contacts', arguments: { limit: 2 } });
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { items: unknown[] }).items).toHaveLength(2);
    await client.close();
  });

  it('X-API-Key: g8_… works the same, and the key is checked with GET /me once per cache window', async () => {
    // Scope filtering off: it reads GET /me itself, once per session, and would blur the count.
    // The audit names who made each call from the key check's answer: no GET /me of its own.
    const remote = await stack.restart({ G8_SCOPE_FILTER: 'off' });
    const fresh = await mintKey('x-api-key test');
    const meCalls = () =>
      stack.proxy.requests.filter(
        (r) => r.url === '/api/v1/me' && r.headers.authorization === `Bearer ${fresh}`,
      ).length;
    for (let i = 0; i < 2; i++) {
      const client = await keyClient(remote.url, { 'x-api-key': fresh });
      const result = await client.callTool({ name: 'g8_search_contacts', arguments: { limit: 1 } });
      expect(result.isError).toBeFalsy();
      await client.listTools();
      await client.close();
    }
    expect(meCalls()).toBe(1);
  });

  it('a refused or malformed key gets 401 invalid_token; both headers at once get 400', async () => {
    const bad = await initialize(mcp, { authorization: 'Bearer g8_test_thisKeyDoesNotExistAnywhere00000' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    const short = await initialize(mcp, { 'x-api-key': 'g8_live_x' });
    expect(short.status).toBe(401);
    const jwt = await initialize(mcp, { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln' });
    expect(jwt.status).toBe(401);
    const both = await initialize(mcp, { authorization: `Bearer ${key}`, 'x-api-key': key });
    expect(both.status).toBe(400);
  });
});

describe('tool selection on the URL', () => {
  it('?mode, ?toolsets and ?read_only narrow the tools a session lists', async () => {
    expectSelection(await listed(`${mcp}?mode=dev`), { mode: 'dev' });
    expectSelection(await listed(`${mcp}?toolsets=inbox,sequences`), {
      mode: 'all',
      toolsets: ['inbox', 'sequences'],
    });
    expectSelection(await listed(`${mcp}?mode=gtm&read_only=1`), { mode: 'gtm', readOnly: true });
    expectSelection(await listed(mcp), { mode: 'all' });
  });

  it.each([
    ['mode=sales', /Unknown mode "sales". Valid modes: dev, gtm, all/],
    ['toolsets=inbox,bogus', /Unknown toolset "bogus". Valid toolsets: contacts, companies/],
    ['read_only=maybe', /Valid values: 1, 0, true, false/],
    ['toolset=inbox', /Unknown parameter "toolset".*Valid parameters: mode, toolsets, tools, read_only/],
  ])('?%s gets 400 naming the valid values', async (query, message) => {
    const res = await initialize(`${mcp}?${query}`, { authorization: `Bearer ${key}` });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message);
  });
});

describe('sessions', () => {
  it('a session belongs to the credential that opened it; DELETE ends it', async () => {
    const opened = await initialize(mcp, { authorization: `Bearer ${key}` });
    const sessionId = opened.headers.get('mcp-session-id') as string;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const other = await mintKey('session owner test');
    const ping = (auth: string) =>
      fetch(mcp, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${auth}`,
          'mcp-session-id': sessionId,
          'mcp-protocol-version': '2025-06-18',
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }),
      });
    expect((await ping(other)).status).toBe(404);
    expect((await ping(key)).status).toBe(200);
    const del = await fetch(mcp, {
      method: 'DELETE',
      headers: {
        authorization: `Bearer ${key}`,
        'mcp-session-id': sessionId,
        'mcp-protocol-version': '2025-06-18',
      },
    });
    expect(del.status).toBe(200);
    expect((await ping(key)).status).toBe(404);
  });

  it('idle sessions expire, and the number of sessions is capped (least recent closed first)', async () => {
    const remote: RemoteServer = await stack.restart({ G8_SESSION_IDLE_SEC: '1', G8_MAX_SESSIONS: '2' });
    const open = async () =>
      (await initialize(remote.url, { authorization: `Bearer ${key}` })).headers.get(
        'mcp-session-id',
      ) as string;
    const [a, b, c] = [await open(), await open(), await open()];
    expect(remote.sessions.size).toBe(2);
    const alive = async (id: string) =>
      (
        await fetch(remote.url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${key}`,
            'mcp-session-id': id,
            'mcp-protocol-version': '2025-06-18',
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          },
          body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ping' }),
        })
      ).status;
    expect(await alive(a)).toBe(404);
    expect(await alive(b)).toBe(200);
    expect(await alive(c)).toBe(200);
    await sleep(1600);
    expect(remote.sessions.size).toBe(0);
    expect(await alive(c)).toBe(404);
  });
});

describe('response modes', () => {
  it('answers POST with an SSE stream by default, and JSON with G8_HTTP_JSON_RESPONSE', async () => {
    const sse = await initialize(mcp, { authorization: `Bearer ${key}` });
    expect(sse.headers.get('content-type')).toMatch(/text\/event-stream/);
    const remote = await stack.restart({ G8_HTTP_JSON_RESPONSE: 'true' });
    const json = await initialize(remote.url, { authorization: `Bearer ${key}` });
    expect(json.headers.get('content-type')).toMatch(/application\/json/);
    expect(await json.json()).toMatchObject({ result: { serverInfo: { name: 'g8-mcp-server' } } });
  });

  it('stateless mode (G8_HTTP_STATELESS): no session ids, GET is 405, tools still work', async () => {
    const remote = await stack.restart({ G8_HTTP_STATELESS: 'true' });
    const res = await initialize(remote.url, { authorization: `Bearer ${key}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('mcp-session-id')).toBeNull();
    const get = await fetch(remote.url, {
      headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
    });
    expect(get.status).toBe(405);
    const client = await keyClient(remote.url, { authorization: `Bearer ${key}` });
    const result = await client.callTool({ name: 'g8_search_contacts', arguments: { limit: 1 } });
    expect(result.isError).toBeFalsy();
    await client.close();
    expect(remote.sessions.size).toBe(0);
  });
});

describe('the built entry', () => {
  it('refuses a plain-http public URL that is not loopback, with one line and exit 1', () => {
    const r = spawnSync(
      process.execPath,
      [MAIN, '--http', '--port', '0', '--public-url', 'http://mcp.example.com'],
      {
        env: { PATH: process.env.PATH ?? '', G8_DATA_DIR: stack.dataDir, G8_LOG_LEVEL: 'silent' },
        encoding: 'utf8',
        timeout: 15_000,
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/G8_PUBLIC_URL must be https/);
    expect(r.stdout).toBe('');
  });
});
