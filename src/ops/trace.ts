/**
 * The tracing hooks of the request path. OpenTelemetry (otel.ts) is imported only when the
 * standard variables ask for traces (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
 * or OTEL_TRACES_EXPORTER); otherwise `tracer()` is undefined and every hook is one check.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ConfigError } from '../platform/errors.js';

/** What a span may carry: no secret, nothing personal (no arguments, no results, no ids of people). */
export type SpanAttributes = Record<string, string | number | boolean>;

export interface UpstreamSpan {
  /** Headers to send upstream so graph8's own traces join ours (traceparent, tracestate). */
  readonly headers: Record<string, string>;
  end(status: number, requestId: string | undefined, error?: string): void;
}

export interface McpRequest {
  readonly id?: string | number;
  readonly method: string;
  readonly params?: { readonly name?: unknown; readonly _meta?: Record<string, unknown> };
  /** The protocol version the request was made under, when it names one. */
  readonly version?: string;
}

export interface Tracer {
  /** Runs one HTTP request to /mcp in the trace its traceparent header names, if any. */
  http<T>(headers: IncomingHttpHeaders, requestId: string, fn: () => T): T;
  /** One MCP request (a JSON-RPC request of any method); its `_meta.traceparent` wins over HTTP's. */
  request<T extends object>(request: McpRequest, fn: () => Promise<T>): Promise<T>;
  /** One tool call, the parent of its upstream requests. */
  tool<T extends object>(name: string, attributes: SpanAttributes, fn: () => Promise<T>): Promise<T>;
  upstream(method: string, route: string, origin: string, attempt: number): UpstreamSpan;
  shutdown(): Promise<void>;
}

let current: Tracer | undefined;

export function tracer(): Tracer | undefined {
  return current;
}

export class TracingConfigError extends ConfigError {}

/** Whether these variables ask for traces (`none`, or OTEL_SDK_DISABLED, say no). */
export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim();
  if (exporter === 'none') return false;
  return Boolean(exporter || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Starts exporting spans if the environment asks for it. Only OTLP over HTTP is offered: a
 * console exporter would write to stdout, which in stdio mode belongs to the transport.
 */
export async function startTracing(
  env: NodeJS.ProcessEnv,
  service: { name: string; version: string },
): Promise<boolean> {
  if (current || !tracingWanted(env)) return Boolean(current);
  const exporter = env.OTEL_TRACES_EXPORTER?.trim();
  if (exporter && exporter !== 'otlp') {
    throw new TracingConfigError(
      `Invalid OTEL_TRACES_EXPORTER: ${exporter.slice(0, 40)}; this server exports traces with otlp (OTLP over HTTP, JSON) or none`,
    );
  }
  let otel: typeof import('./otel.js');
  try {
    otel = await import('./otel.js');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new TracingConfigError(
      `Traces need the OpenTelemetry packages, which are optional peers of g8-mcp-server: install them beside it (npm install ${OTEL_PACKAGES.join(' ')}), or unset the OTEL_* variables`,
    );
  }
  current = otel.createOtelTracer(service, env);
  return true;
}

/** Optional peer dependencies: the default install does not carry their ~28 MB. */
const OTEL_PACKAGES = [
  '@opentelemetry/api',
  '@opentelemetry/sdk-trace-node',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/resources',
];

/** Flushes the spans still buffered; later hooks do nothing. */
export async function stopTracing(): Promise<void> {
  const t = current;
  current = undefined;
  await t?.shutdown();
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Our X-Request-Id for one HTTP request: the caller's own when it is a sane token, else a new one. */
export function httpRequestId(header: string | string[] | undefined, make: () => string): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : make();
}
