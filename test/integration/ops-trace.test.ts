/**
 * Issue 19, traces: the built server (remote mode, then stdio) with OTEL_EXPORTER_OTLP_ENDPOINT
 * pointing at an in-process OTLP receiver, against the real sandbox. One tool call gives the MCP
 * span → tool span → upstream span chain, in the caller's trace (from `_meta.traceparent`, or the
 * HTTP header), with graph8's request id and our X-Request-Id, and no secret in any attribute.
 */
import { randomBytes } from 'node:crypto';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyHttp } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultProxy } from '../helpers/fault-proxy.js';
import type { RemoteProcess } from '../helpers/http-process.js';
import { httpRaw, stdioRaw } from '../helpers/modern-raw.js';
import { type OpsStack, startOpsStack } from '../helpers/ops-stack.js';
import { type OtlpReceiver, startOtlpReceiver } from '../helpers/otlp-receiver.js';
import type { TestSandbox } from '../helpers/sandbox.js';

const SERVER = 2;
const INTERNAL = 1;
const CLIENT = 3;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** The three spans of one tool call in trace `traceId`, checked for their links. */
async function chainOf(receiver: OtlpReceiver, traceId: string, tool: string) {
  const mcp = await receiver.waitFor((s) => s.traceId === traceId && s.name === `tools/call ${tool}`);
  const toolSpan = await receiver.waitFor((s) => s.traceId === traceId && s.parentSpanId === mcp.spanId);
  const upstream = await receiver.waitFor(
    (s) =>
      s.traceId === traceId &&
      s.parentSpanId === toolSpan.spanId &&
      s.kind === CLIENT &&
      s.name !== 'GET /me',
  );
  return { mcp, tool: toolSpan, upstream };
}

function expectNoSecret(receiver: OtlpReceiver, secrets: string[]) {
  const all = receiver.bodies.join('\n');
  for (const secret of secrets) expect(all).not.toContain(secret);
}

describe('OpenTelemetry traces', () => {
  let stack: OpsStack;
  let sandbox: TestSandbox;
  let proxy: FaultProxy;
  let receiver: OtlpReceiver;
  let remote: RemoteProcess;
  let companyId: number;
  const otel = () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' });

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startOpsStack(otel());
    ({ sandbox, proxy, remote, companyId } = stack);
  });

  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });

  it('remote mode: MCP span → tool span → upstream span, in the trace of _meta.traceparent', async () => {
    const sent: string[] = [];
    proxy.setRule(({ path, headers }) => {
      if (path === `/api/v1/companies/${companyId}`) sent.push(String(headers.traceparent));
      return undefined;
    });
    const traceId = hex(16);
    const callerSpan = hex(8);
    const answer = await httpRaw(remote.url, sandbox.demoKey).request(
      'tools/call',
      {
        name: 'g8_get_company',
        arguments: { company_id: companyId },
        _meta: { traceparent: `00-${traceId}-${callerSpan}-01`, tracestate: 'vendor=x' },
      },
      { headers: { 'x-request-id': 'ops-trace-req-1' } },
    );
    expect(answer.response.result?.isError).toBeFalsy();
    const { mcp, tool, upstream } = await chainOf(receiver, traceId, 'g8_get_company');

    expect(mcp.parentSpanId).toBe(callerSpan);
    expect(mcp.kind).toBe(SERVER);
    expect(mcp.service).toBe('g8-mcp-server');
    expect(mcp.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'g8_get_company',
      'gen_ai.operation.name': 'execute_tool',
      'mcp.protocol.version': '2026-07-28',
      'jsonrpc.request.id': String(answer.response.id),
      'g8.http.request_id': 'ops-trace-req-1',
    });
    expect(tool.name).toBe('execute_tool g8_get_company');
    expect(tool.kind).toBe(INTERNAL);
    expect(tool.attributes).toMatchObject({ 'gen_ai.tool.name': 'g8_get_company', 'g8.tool.tier': 'read' });
    expect(upstream.name).toBe('GET /companies/{company_id}');
    expect(upstream.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.template': '/companies/{company_id}',
      'http.response.status_code': 200,
      'server.address': '127.0.0.1',
    });
    // graph8's request id (the sandbox's X-Request-Id).
    expect(String(upstream.attributes['g8.upstream.request_id'])).toMatch(/^req_[0-9a-f]+$/);
    // graph8 is told the trace too, with the upstream span as the parent.
    expect(sent).toEqual([`00-${traceId}-${upstream.spanId}-01`]);
    proxy.setRule(undefined);
    expectNoSecret(receiver, [sandbox.demoKey, sandbox.demoKey.slice(8), `/companies/${companyId}`]);
  });

  it('remote mode: the traceparent header continues the trace; a failed call is marked an error', async () => {
    const traceId = hex(16);
    const callerSpan = hex(8);
    const answer = await httpRaw(remote.url, sandbox.demoKey).request(
      'tools/call',
      { name: 'g8_get_company', arguments: { company_id: 987654 } },
      { headers: { traceparent: `00-${traceId}-${callerSpan}-01` } },
    );
    expect(answer.response.result?.isError).toBe(true);
    const { mcp, tool, upstream } = await chainOf(receiver, traceId, 'g8_get_company');
    expect(mcp.parentSpanId).toBe(callerSpan);
    // Our own X-Request-Id when the caller sent none.
    expect(String(mcp.attributes['g8.http.request_id'])).toMatch(/^[0-9a-f-]{36}$/);
    for (const span of [mcp, tool]) {
      expect(span.attributes['error.type']).toBe('tool_error');
      expect(span.status?.code).toBe(2);
    }
    expect(upstream.attributes['http.response.status_code']).toBe(404);
    expect(upstream.attributes['error.type']).toBe('404');
    expectNoSecret(receiver, [sandbox.demoKey, '987654']);
  });

  it('remote mode, 2025 session: the traceparent header of the POST continues the trace', async () => {
    const traceId = hex(16);
    const callerSpan = hex(8);
    const client = new LegacyClient({ name: 'ops-trace-2025', version: '1.0.0' });
    await client.connect(
      new LegacyHttp(new URL(remote.url), {
        requestInit: {
          headers: { 'X-API-Key': sandbox.demoKey, traceparent: `00-${traceId}-${callerSpan}-01` },
        },
      }),
    );
    try {
      const result = await client.callTool({ name: 'g8_get_company', arguments: { company_id: companyId } });
      expect(result.isError).toBeFalsy();
    } finally {
      await client.close();
    }
    const { mcp, upstream } = await chainOf(receiver, traceId, 'g8_get_company');
    expect(mcp.parentSpanId).toBe(callerSpan);
    expect(upstream.attributes['url.template']).toBe('/companies/{company_id}');
    expectNoSecret(receiver, [sandbox.demoKey]);
  });

  it('stdio: the same chain from _meta.traceparent, and stdout stays the transport', async () => {
    const client = stdioRaw({ G8_API_KEY: sandbox.demoKey, G8_API_URL: proxy.url, ...otel() });
    try {
      const traceId = hex(16);
      const callerSpan = hex(8);
      // stdioRaw parses every stdout line as JSON-RPC: a span written there would fail it.
      const answer = await client.request('tools/call', {
        name: 'g8_search_companies',
        arguments: { limit: 1 },
        _meta: { traceparent: `00-${traceId}-${callerSpan}-01` },
      });
      expect(answer.response.result?.isError).toBeFalsy();
      const { mcp, upstream } = await chainOf(receiver, traceId, 'g8_search_companies');
      expect(mcp.parentSpanId).toBe(callerSpan);
      expect(upstream.attributes['url.template']).toBe('/companies');
    } finally {
      await client.close();
    }
    expectNoSecret(receiver, [sandbox.demoKey]);
  });
});
