/**
 * Issue 19, metrics: the built server in remote mode (a child process) with G8_METRICS_PORT,
 * against the real sandbox behind a proxy that can answer 429 or hold a request back. A scripted
 * run (ok calls in both eras, a tool error, a refusal, a 429 that is retried, a cancelled call,
 * OAuth refusals, an open 2025 session) must move the series an operator reads, and no label may
 * carry a key, an org, a user or a record id.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyHttp } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultProxy } from '../helpers/fault-proxy.js';
import { tokenRequest, tokensViaApiKey } from '../helpers/http-consent.js';
import { type RemoteProcess, spawnRemote } from '../helpers/http-process.js';
import { envelope, httpRaw, type RawClient } from '../helpers/modern-raw.js';
import { type OpsStack, startOpsStack } from '../helpers/ops-stack.js';
import { parse, total } from '../helpers/prometheus-text.js';
import type { TestSandbox } from '../helpers/sandbox.js';
import { enrichArgs } from '../helpers/sandbox-picks.js';

describe('GET /metrics after a scripted run', () => {
  let stack: OpsStack;
  let sandbox: TestSandbox;
  let proxy: FaultProxy;
  let remote: RemoteProcess;
  let metricsUrl: string;
  let raw: RawClient;
  let companyId: number;
  const forbidden: string[] = [];

  const scrape = async () => {
    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parse(await res.text());
  };
  const call = async (name: string, args: Record<string, unknown>) => {
    const answer = await raw.request('tools/call', { name, arguments: args });
    return answer.response.result as { isError?: boolean; structuredContent?: Record<string, unknown> };
  };

  beforeAll(async () => {
    stack = await startOpsStack({ G8_METRICS_PORT: '0', G8_CONFIRM: 'never' });
    ({ sandbox, proxy, remote, companyId } = stack);
    metricsUrl = /"metrics_url":"([^"]+)"/.exec(remote.stderr())?.[1] as string;
    raw = httpRaw(remote.url, sandbox.demoKey);
    const me = (await sandbox.rest('GET', '/me')).body.data as Record<string, unknown>;
    forbidden.push(sandbox.demoKey, sandbox.demoKey.slice(0, 16), String(companyId), '99999');
    for (const [k, v] of Object.entries(me)) {
      if ((/id$/.test(k) || /name|email/.test(k)) && (typeof v === 'string' || typeof v === 'number')) {
        forbidden.push(String(v));
      }
    }
  });

  afterAll(() => stack?.close());

  it('listens on loopback, apart from the public listener, and serves only /metrics', async () => {
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(metricsUrl).port).not.toBe(new URL(remote.url).port);
    expect((await fetch(new URL('/metrics', remote.url))).status).toBe(404);
    expect((await fetch(new URL('/other', metricsUrl))).status).toBe(404);
    const samples = await scrape();
    // The Node process metrics.
    expect(total(samples, 'g8_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(samples.some((s) => s.name === 'g8_nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('counts ok calls, tool errors and refusals by tool, outcome and era, with durations', async () => {
    const before = await scrape();
    expect((await call('g8_get_company', { company_id: companyId })).isError).toBeFalsy();
    expect((await call('g8_search_companies', { limit: 2 })).isError).toBeFalsy();
    expect((await call('g8_get_company', { company_id: 99999 })).isError).toBe(true);
    expect((await call('g8_get_company', { company_id: 'x' })).isError).toBe(true);
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) =>
      total(after, name, labels) - total(before, name, labels);
    expect(delta('g8_tool_calls_total', { tool: 'g8_get_company', outcome: 'ok', era: '2026' })).toBe(1);
    expect(delta('g8_tool_calls_total', { tool: 'g8_search_companies', outcome: 'ok', era: '2026' })).toBe(1);
    expect(delta('g8_tool_calls_total', { tool: 'g8_get_company', outcome: 'tool_error', era: '2026' })).toBe(
      1,
    );
    expect(delta('g8_tool_calls_total', { tool: 'g8_get_company', outcome: 'refused', era: '2026' })).toBe(1);
    expect(delta('g8_tool_call_duration_seconds_count', { tool: 'g8_get_company' })).toBe(3);
    expect(delta('g8_tool_call_duration_seconds_sum', { tool: 'g8_get_company' })).toBeGreaterThan(0);
    // Upstream by route template, never the raw path with its id.
    const route = '/companies/{company_id}';
    expect(delta('g8_upstream_requests_total', { route, method: 'GET', status: '200' })).toBe(1);
    expect(delta('g8_upstream_requests_total', { route, method: 'GET', status: '404' })).toBe(1);
    expect(delta('g8_upstream_request_duration_seconds_count', { route, method: 'GET' })).toBe(2);
    expect(delta('g8_upstream_requests_total', { route: '/companies', method: 'GET', status: '200' })).toBe(
      1,
    );
  });

  it('counts a 429 from upstream, its retry, and the call that then succeeded', async () => {
    let served = 0;
    proxy.setRule(({ path }) =>
      path === `/api/v1/companies/${companyId}` && served++ === 0
        ? { status: 429, body: { detail: 'Rate limit exceeded' }, headers: { 'retry-after': '0' } }
        : undefined,
    );
    const before = await scrape();
    expect((await call('g8_get_company', { company_id: companyId })).isError).toBeFalsy();
    proxy.setRule(undefined);
    const after = await scrape();
    const route = '/companies/{company_id}';
    const delta = (name: string, labels: Record<string, string>) =>
      total(after, name, labels) - total(before, name, labels);
    expect(delta('g8_upstream_requests_total', { route, status: '429' })).toBe(1);
    expect(delta('g8_upstream_throttled_total', { route })).toBe(1);
    expect(delta('g8_upstream_retries_total', { route, status: '429' })).toBe(1);
    expect(delta('g8_upstream_requests_total', { route, status: '200' })).toBe(1);
    expect(delta('g8_tool_calls_total', { tool: 'g8_get_company', outcome: 'ok' })).toBe(1);
  });

  it('counts a call the client cancelled, and the open 2025 session while it lasts', async () => {
    proxy.setRule(({ path }) => (path === `/api/v1/companies/${companyId}` ? { delayMs: 4000 } : undefined));
    const client = new LegacyClient({ name: 'ops-2025', version: '1.0.0' });
    await client.connect(
      new LegacyHttp(new URL(remote.url), { requestInit: { headers: { 'X-API-Key': sandbox.demoKey } } }),
    );
    try {
      expect(total(await scrape(), 'g8_legacy_sessions_open')).toBe(1);
      const before = await scrape();
      const abort = new AbortController();
      const pending = client.callTool(
        { name: 'g8_get_company', arguments: { company_id: companyId } },
        undefined,
        {
          signal: abort.signal,
        },
      );
      await new Promise((r) => setTimeout(r, 500));
      abort.abort();
      await expect(pending).rejects.toThrow();
      let after = await scrape();
      for (let i = 0; i < 40 && total(after, 'g8_tool_calls_total', { outcome: 'cancelled' }) === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = await scrape();
      }
      const labels = { tool: 'g8_get_company', outcome: 'cancelled', era: '2025' };
      expect(total(after, 'g8_tool_calls_total', labels) - total(before, 'g8_tool_calls_total', labels)).toBe(
        1,
      );
      proxy.setRule(undefined);
      expect(
        (await client.callTool({ name: 'g8_get_company', arguments: { company_id: companyId } })).isError,
      ).toBeFalsy();
      const ok = { tool: 'g8_get_company', outcome: 'ok', era: '2025' };
      expect(total(await scrape(), 'g8_tool_calls_total', ok)).toBe(1);
    } finally {
      proxy.setRule(undefined);
      await client.close();
    }
  });

  it('a subscriptions/listen stream that has ended leaves the open-streams gauge at 0', async () => {
    // This server declares no list-changed notifications, so the stream acknowledges and ends at once.
    const res = await fetch(remote.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'x-api-key': sandbox.demoKey,
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': 'subscriptions/listen',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 'listen-1',
        method: 'subscriptions/listen',
        params: { notifications: { toolsListChanged: true }, _meta: envelope() },
      }),
    });
    expect(await res.text()).toContain('notifications/subscriptions/acknowledged');
    const samples = await scrape();
    expect(samples.some((s) => s.name === 'g8_listen_streams_open')).toBe(true);
    expect(total(samples, 'g8_listen_streams_open')).toBe(0);
  });

  it('gauges a running MCP task until it ends', async () => {
    const capabilities = { extensions: { 'io.modelcontextprotocol/tasks': {} } };
    const ask = async (method: string, params: Record<string, unknown>) =>
      (await raw.request(method, params, { capabilities })).response.result as Record<string, unknown>;
    const created = await ask('tools/call', {
      name: 'g8_enrich_contacts',
      arguments: enrichArgs(sandbox.db),
    });
    expect(created).toMatchObject({ resultType: 'task', status: 'working' });
    expect(total(await scrape(), 'g8_tasks_running')).toBe(1);
    let status = 'working';
    for (let i = 0; i < 100 && status === 'working'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      status = String((await ask('tasks/get', { taskId: created.taskId })).status);
    }
    expect(status).toBe('completed');
    expect(total(await scrape(), 'g8_tasks_running')).toBe(0);
  });

  it('counts OAuth registrations, sign-ins and refreshes', async () => {
    const before = await scrape();
    const tokens = await tokensViaApiKey(remote.publicUrl, sandbox.demoKey);
    const refreshed = await tokenRequest(remote.publicUrl, {
      grant_type: 'refresh_token',
      client_id: tokens.clientId,
      refresh_token: tokens.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    forbidden.push(tokens.clientId, tokens.access_token, tokens.refresh_token);
    const after = await scrape();
    for (const event of ['registration', 'sign_in', 'refresh']) {
      expect(
        total(after, 'g8_oauth_events_total', { event }) - total(before, 'g8_oauth_events_total', { event }),
      ).toBe(1);
    }
  });

  it('counts OAuth and credential refusals by endpoint and reason', async () => {
    const before = await scrape();
    const token = await fetch(new URL('/token', remote.publicUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&code=x&code_verifier=y&client_id=no-such-client',
    });
    expect(token.status).toBe(400);
    const mcp = await fetch(remote.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'g8_test_not_a_key_of_anyone_at_all_0000' },
      body: '{}',
    });
    expect(mcp.status).toBe(401);
    const after = await scrape();
    const delta = (labels: Record<string, string>) =>
      total(after, 'g8_oauth_refusals_total', labels) - total(before, 'g8_oauth_refusals_total', labels);
    expect(delta({ endpoint: 'token', reason: 'invalid_client' })).toBe(1);
    expect(delta({ endpoint: 'mcp', reason: 'invalid_token' })).toBe(1);
  });

  it('puts no key, org, user or id in any label; routes are templates', async () => {
    const samples = await scrape();
    const values = samples.flatMap((s) => Object.values(s.labels));
    for (const secret of forbidden) {
      expect(values.filter((v) => v.includes(secret))).toEqual([]);
    }
    const routes = new Set(samples.flatMap((s) => (s.labels.route ? [s.labels.route] : [])));
    expect(routes.size).toBeGreaterThan(1);
    for (const route of routes) expect(route).toMatch(/^(\/([a-z_-]+|\{[a-z_]+\}))+$/);
    // Every label name is one of the bounded set.
    const names = new Set(samples.flatMap((s) => Object.keys(s.labels)));
    const allowed = [
      'tool',
      'outcome',
      'era',
      'route',
      'method',
      'status',
      'event',
      'endpoint',
      'reason',
      'le',
    ];
    const nodeLabels = ['version', 'major', 'minor', 'patch', 'kind', 'type', 'space', 'quantile'];
    for (const name of names) expect([...allowed, ...nodeLabels]).toContain(name);
  });
});

describe('GET /metrics: the client-side pacer', () => {
  let stack: OpsStack;

  // A backend allowing 5 requests a second (and saying so): a burst of calls waits for the pacer.
  beforeAll(async () => {
    stack = await startOpsStack(
      { G8_METRICS_PORT: '0', G8_PACE: '5,1000' },
      { sandboxRate: { perSecond: 5, perMinute: 1000 } },
    );
  });
  afterAll(() => stack?.close());

  it('counts the waits it imposed, and graph8 answers no 429', async () => {
    const metricsUrl = /"metrics_url":"([^"]+)"/.exec(stack.remote.stderr())?.[1] as string;
    const scrape = async () => parse(await (await fetch(metricsUrl)).text());
    const raw = httpRaw(stack.remote.url, stack.sandbox.demoKey);
    const call = () =>
      raw.request('tools/call', { name: 'g8_get_company', arguments: { company_id: stack.companyId } });
    // The key is checked (GET /me) and its permits cool down before the burst.
    expect((await call()).response.result?.isError).toBeFalsy();
    await new Promise((r) => setTimeout(r, 1100));
    const before = await scrape();
    const burst = await Promise.all(Array.from({ length: 8 }, call));
    for (const answer of burst) expect(answer.response.result?.isError).toBeFalsy();
    const after = await scrape();
    const delta = (name: string) => total(after, name) - total(before, name);
    // 5 go at once; the other 3 wait for a permit to cool down (a second after its answer).
    // (A machine slow enough to spread the burst over a second spares one of them the wait.)
    expect(delta('g8_pacer_wait_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(delta('g8_pacer_wait_seconds_count')).toBeLessThanOrEqual(3);
    expect(delta('g8_pacer_wait_seconds_sum')).toBeGreaterThan(1);
    expect(total(after, 'g8_upstream_throttled_total')).toBe(0);
  });
});

describe('G8_METRICS_PORT refusals', () => {
  it('a port already in use stops start-up with one line and exit 1; a bad value likewise', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = String((taken.address() as AddressInfo).port);
    const dataDir = mkdtempSync(join(tmpdir(), 'g8-ops-port-'));
    try {
      await expect(spawnRemote({ G8_DATA_DIR: dataDir, G8_METRICS_PORT: port })).rejects.toThrow(
        new RegExp(
          `exited with 1:\\s*g8-mcp-server: metrics port ${port} on 127\\.0\\.0\\.1 cannot be used \\(EADDRINUSE\\)`,
        ),
      );
      await expect(spawnRemote({ G8_DATA_DIR: dataDir, G8_METRICS_PORT: 'ninety' })).rejects.toThrow(
        /exited with 1:\s*g8-mcp-server: Invalid G8_METRICS_PORT/,
      );
    } finally {
      taken.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
