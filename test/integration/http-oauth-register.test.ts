/**
 * Dynamic registration (RFC 7591) and revocation (RFC 7009) refusals, the discovery documents
 * byte for byte, and the per-IP rate limits, over real HTTP against the real remote server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../helpers/http-consent.js';
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

describe('/register', () => {
  it.each([
    ['no redirect_uris', {}],
    ['a redirect URI that is not a URL', { redirect_uris: ['not a url'] }],
    ['redirect_uris that are not a list', { redirect_uris: REDIRECT }],
    ['a logo_uri that is not a URL', { redirect_uris: [REDIRECT], logo_uri: 'nope' }],
    ['an array', [REDIRECT]],
  ])('refuses %s: 400 invalid_client_metadata', async (_name, body) => {
    const res = await at('/register', json(body));
    expect(res.status).toBe(400);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect((await refusal(res)).error).toBe('invalid_client_metadata');
  });

  it('takes JSON only, and refuses JSON that does not parse', async () => {
    const asForm = await at('/register', form({ redirect_uris: REDIRECT }));
    expect((await refusal(asForm)).error).toBe('invalid_client_metadata');
    const broken = await at('/register', { ...json({}), body: '{"redirect_uris": [' });
    expect(broken.status).toBe(400);
  });

  it('answers 201 with a new client_id, keeping only the metadata it knows', async () => {
    const res = await at('/register', json({ redirect_uris: [REDIRECT], client_name: 'n', extra: 1 }));
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const client = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(client)).toEqual([
      'redirect_uris',
      'client_name',
      'client_id',
      'client_id_issued_at',
      'grant_types',
      'response_types',
      'token_endpoint_auth_method',
    ]);
    expect(client.client_id).not.toBe(clientId);
  });
});

describe('/revoke', () => {
  it('an unknown token is still 200 {} (RFC 7009 §2.2)', async () => {
    const res = await at('/revoke', form({ client_id: clientId, token: 'mcp_at_neverIssued' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({});
  });

  it('refuses an unknown client, or no token', async () => {
    const unknown = await at('/revoke', form({ client_id: 'nope', token: 'x' }));
    expect(unknown.status).toBe(400);
    expect((await refusal(unknown)).error).toBe('invalid_client');
    const noToken = await at('/revoke', form({ client_id: clientId }));
    expect(noToken.status).toBe(400);
    expect((await refusal(noToken)).error).toBe('invalid_request');
  });
});

describe('discovery documents', () => {
  it('authorization-server metadata, byte for byte', async () => {
    const res = await at('/.well-known/oauth-authorization-server');
    const b = base.replace(/\/$/, '');
    expect(await res.text()).toBe(
      `{"issuer":"${b}/","service_documentation":"https://www.npmjs.com/package/g8-mcp-server#remote-mode",` +
        `"authorization_endpoint":"${b}/authorize","response_types_supported":["code"],` +
        `"code_challenge_methods_supported":["S256"],"token_endpoint":"${b}/token",` +
        `"token_endpoint_auth_methods_supported":["none"],"grant_types_supported":["authorization_code","refresh_token"],` +
        `"scopes_supported":["graph8:read","graph8:write"],"revocation_endpoint":"${b}/revoke",` +
        `"revocation_endpoint_auth_methods_supported":["none"],"registration_endpoint":"${b}/register",` +
        `"client_id_metadata_document_supported":true,"authorization_response_iss_parameter_supported":true}`,
    );
  });

  it('protected-resource metadata, byte for byte, at both URLs', async () => {
    const b = base.replace(/\/$/, '');
    const expected =
      `{"resource":"${b}/mcp","authorization_servers":["${b}/"],"scopes_supported":["graph8:read","graph8:write"],` +
      `"bearer_methods_supported":["header"],"resource_name":"graph8 MCP server",` +
      `"resource_documentation":"https://www.npmjs.com/package/g8-mcp-server#remote-mode"}`;
    for (const path of [
      '/.well-known/oauth-protected-resource',
      '/.well-known/oauth-protected-resource/mcp',
    ]) {
      expect(await (await at(path)).text(), path).toBe(expected);
    }
  });
});

describe('rate limits (on unless turned off)', () => {
  it('registration: 20 an hour per address, then 429 too_many_requests', async () => {
    const limited = await startStack({ overrides: { rateLimit: undefined } });
    try {
      const url = new URL('/register', limited.remote.publicUrl);
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 21; i++) {
        last = await fetch(url, json({ redirect_uris: [REDIRECT] }));
        statuses.push(last.status);
      }
      expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true);
      expect(last?.status).toBe(429);
      expect(last?.headers.get('ratelimit-policy')).toBe('20;w=3600');
      expect((await refusal(last as Response)).error).toBe('too_many_requests');
      const token = await fetch(new URL('/token', limited.remote.publicUrl), form({ client_id: 'nope' }));
      expect(token.headers.get('ratelimit-policy')).toBe('50;w=900');
    } finally {
      await limited.close();
    }
  });
});
