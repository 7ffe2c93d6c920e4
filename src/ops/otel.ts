/**
 * OpenTelemetry behind the hooks of trace.ts: a tracer provider with a batching OTLP/HTTP (JSON)
 * exporter, which reads the standard OTEL_EXPORTER_OTLP_* and OTEL_BSP_* variables itself.
 * Attribute names follow the MCP and gen_ai semantic conventions (mcp.method.name,
 * jsonrpc.request.id, gen_ai.tool.name, gen_ai.operation.name) and HTTP's for upstream requests
 * (http.request.method, url.template, http.response.status_code); the rest are `g8.*`.
 *
 * Upstream spans are made by our API client, not by undici's diagnostics channel: the client knows
 * the route template (never the raw path with its ids) and graph8's request id, and one hook
 * there covers every request while a global undici instrumentation would also see our own
 * OTLP exports and the OAuth library's requests.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  type Context,
  context,
  createContextKey,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { McpRequest, SpanAttributes, Tracer, UpstreamSpan } from './trace.js';

/** Our X-Request-Id of the HTTP request being served, for the MCP spans made inside it. */
const HTTP_REQUEST_ID = createContextKey('g8.http_request_id');

const headerGetter = {
  keys: (carrier: IncomingHttpHeaders) => Object.keys(carrier),
  get: (carrier: IncomingHttpHeaders, key: string) => carrier[key],
};

const metaGetter = {
  keys: (carrier: Record<string, unknown>) => Object.keys(carrier),
  get: (carrier: Record<string, unknown>, key: string) => {
    const value = carrier[key];
    return typeof value === 'string' ? value : undefined;
  },
};

/** A result that reports a failure without throwing (CallToolResult.isError). */
function isErrorResult(result: object): boolean {
  return (result as { isError?: unknown }).isError === true;
}

export function createOtelTracer(service: { name: string; version: string }, env: NodeJS.ProcessEnv): Tracer {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': env.OTEL_SERVICE_NAME || service.name,
      'service.version': service.version,
    }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // The AsyncLocalStorage context manager and the W3C trace-context propagator.
  provider.register();
  const tracer = provider.getTracer(service.name, service.version);

  /** Runs `fn` in a span made current, ending it with the outcome. */
  async function inSpan<T extends object>(span: Span, parent: Context, fn: () => Promise<T>): Promise<T> {
    try {
      const result = await context.with(trace.setSpan(parent, span), fn);
      if (isErrorResult(result)) {
        span.setAttribute('error.type', 'tool_error');
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      return result;
    } catch (error) {
      span.setAttribute('error.type', error instanceof Error ? error.constructor.name : 'error');
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  }

  return {
    http(headers, requestId, fn) {
      const parent = propagation
        .extract(ROOT_CONTEXT, headers, headerGetter)
        .setValue(HTTP_REQUEST_ID, requestId);
      return context.with(parent, fn);
    },

    request(request: McpRequest, fn) {
      const meta = request.params?._meta;
      const active = context.active();
      // A traceparent in the request's _meta names the caller's span for this very message.
      const parent =
        meta && typeof meta.traceparent === 'string' ? propagation.extract(active, meta, metaGetter) : active;
      const tool = request.method === 'tools/call' ? request.params?.name : undefined;
      const attributes: SpanAttributes = { 'mcp.method.name': request.method };
      if (request.id !== undefined) attributes['jsonrpc.request.id'] = String(request.id);
      if (typeof tool === 'string') {
        attributes['gen_ai.tool.name'] = tool;
        attributes['gen_ai.operation.name'] = 'execute_tool';
      }
      if (request.version) attributes['mcp.protocol.version'] = request.version;
      const httpId = active.getValue(HTTP_REQUEST_ID);
      if (typeof httpId === 'string') attributes['g8.http.request_id'] = httpId;
      const name = typeof tool === 'string' ? `${request.method} ${tool}` : request.method;
      const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
      return inSpan(span, parent, fn);
    },

    tool(name, attributes, fn) {
      const parent = context.active();
      const span = tracer.startSpan(
        `execute_tool ${name}`,
        {
          kind: SpanKind.INTERNAL,
          attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': name, ...attributes },
        },
        parent,
      );
      return inSpan(span, parent, fn);
    },

    upstream(method, route, origin, attempt): UpstreamSpan {
      const url = new URL(origin);
      const span = tracer.startSpan(`${method} ${route}`, {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': method,
          'url.template': route,
          'server.address': url.hostname,
          'server.port': Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
          ...(attempt > 1 ? { 'http.request.resend_count': attempt - 1 } : {}),
        },
      });
      const headers: Record<string, string> = {};
      propagation.inject(trace.setSpan(context.active(), span), headers);
      return {
        headers,
        end(status, requestId, error) {
          if (status) span.setAttribute('http.response.status_code', status);
          if (requestId) span.setAttribute('g8.upstream.request_id', requestId);
          if (error || status >= 400) {
            span.setAttribute('error.type', error ?? String(status));
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          span.end();
        },
      };
    },

    shutdown: () => provider.shutdown(),
  };
}
