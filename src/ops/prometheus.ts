/**
 * The Prometheus recorder behind the hooks of metrics.ts (prom-client, its own registry, the Node
 * process metrics). Loaded by remote mode only, and only when G8_METRICS_PORT is set.
 */
import client from 'prom-client';
import type { Gauge as GaugeName, MetricsRecorder } from './metrics.js';

/** Tool calls and upstream requests: from a cached read (ms) to a slow enrichment (tens of s). */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface PrometheusMetrics {
  readonly recorder: MetricsRecorder;
  readonly registry: client.Registry;
}

export function createPrometheus(): PrometheusMetrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'g8_' });
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new client.Counter<L>({ name, help, labelNames, registers });
  const histogram = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets = BUCKETS,
  ) => new client.Histogram<L>({ name, help, labelNames, buckets, registers });

  const toolCalls = counter(
    'g8_tool_calls_total',
    'Tool calls by tool, outcome (ok, tool_error, refused, cancelled) and protocol era (2025, 2026)',
    ['tool', 'outcome', 'era'] as const,
  );
  const toolDuration = histogram(
    'g8_tool_call_duration_seconds',
    'Duration of tool calls, from arguments received to result built',
    ['tool'] as const,
  );
  const upstream = counter(
    'g8_upstream_requests_total',
    'Requests to the graph8 API by route template, method and status (0: no response)',
    ['route', 'method', 'status'] as const,
  );
  const upstreamDuration = histogram(
    'g8_upstream_request_duration_seconds',
    'Duration of one request to the graph8 API (one attempt), by route template',
    ['route', 'method'] as const,
  );
  const retries = counter(
    'g8_upstream_retries_total',
    'Upstream requests retried, by route template and the status that caused it',
    ['route', 'status'] as const,
  );
  const throttled = counter(
    'g8_upstream_throttled_total',
    '429 answers from the graph8 API, by route template',
    ['route'] as const,
  );
  const pacerWaits = histogram(
    'g8_pacer_wait_seconds',
    'Time a request waited for the client-side pacer (only requests that waited)',
    [] as const,
    [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60],
  );
  const oauth = counter(
    'g8_oauth_events_total',
    'OAuth events: client registrations, sign-ins (codes exchanged), refreshes',
    ['event'] as const,
  );
  const refusals = counter(
    'g8_oauth_refusals_total',
    'Refused OAuth and /mcp credential requests, by endpoint and OAuth error code',
    ['endpoint', 'reason'] as const,
  );
  const gauges: Record<GaugeName, client.Gauge> = {
    listen_streams: new client.Gauge({
      name: 'g8_listen_streams_open',
      help: 'Open subscriptions/listen streams (2026-07-28)',
      registers,
    }),
    tasks_running: new client.Gauge({
      name: 'g8_tasks_running',
      help: 'MCP tasks currently running',
      registers,
    }),
  };
  let readSessions: () => number = () => 0;
  new client.Gauge({
    name: 'g8_legacy_sessions_open',
    help: 'Open 2025-era sessions',
    registers,
    collect() {
      this.set(readSessions());
    },
  });

  const recorder: MetricsRecorder = {
    toolCall(tool, outcome, era, seconds) {
      toolCalls.inc({ tool, outcome, era });
      if (seconds !== undefined) toolDuration.observe({ tool }, seconds);
    },
    upstream(route, method, status, seconds) {
      upstream.inc({ route, method, status: String(status) });
      upstreamDuration.observe({ route, method }, seconds);
      if (status === 429) throttled.inc({ route });
    },
    upstreamRetry: (route, status) => retries.inc({ route, status: String(status) }),
    pacerWait: (seconds) => pacerWaits.observe(seconds),
    oauth: (event) => oauth.inc({ event }),
    oauthRefused: (endpoint, reason) => refusals.inc({ endpoint, reason }),
    gauge: (name, delta) => gauges[name].inc(delta),
    sessions(read) {
      readSessions = read;
    },
  };
  return { recorder, registry };
}
