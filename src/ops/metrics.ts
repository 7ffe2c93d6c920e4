/**
 * The metrics hooks the request path calls (tool calls, upstream requests, OAuth events, open
 * streams). They do nothing until remote mode installs the Prometheus recorder (prometheus.ts)
 * behind them, so stdio never loads prom-client and an uninstalled hook costs one property read.
 *
 * Every label value passed here must come from a small fixed set (tool names, route templates,
 * status codes, outcome words): never a key, org, user or record id.
 */

export type CallOutcome = 'ok' | 'tool_error' | 'refused' | 'cancelled';
/** The protocol era of a request: 2026-07-28 (per-request envelope) or a 2025 revision. */
export type Era = '2025' | '2026';
export type OAuthEvent = 'registration' | 'sign_in' | 'refresh';
export type Gauge = 'listen_streams' | 'tasks_running';

export interface MetricsRecorder {
  /** `seconds` undefined: refused before it ran (a limit), so no duration is recorded. */
  toolCall(tool: string, outcome: CallOutcome, era: Era, seconds?: number): void;
  /** One upstream attempt; `status` 0 when no response came (timeout, reset, cancelled). */
  upstream(route: string, method: string, status: number, seconds: number): void;
  upstreamRetry(route: string, status: number): void;
  pacerWait(seconds: number): void;
  oauth(event: OAuthEvent): void;
  oauthRefused(endpoint: string, reason: string): void;
  gauge(name: Gauge, delta: number): void;
  /** Gauges read when scraped (open 2025 sessions). */
  sessions(read: () => number): void;
}

let recorder: MetricsRecorder | undefined;

/** Remote mode's Prometheus recorder; `undefined` turns recording off again (tests, shutdown). */
export function installMetrics(next: MetricsRecorder | undefined): void {
  recorder = next;
}

export function metricsOn(): boolean {
  return recorder !== undefined;
}

/** A segment with a digit outside `{…}` is an id that slipped through: it never becomes a label. */
const ID_SEGMENT = /\/(?!\{)[^/]*\d[^/]*/g;

/** The route template of a REST path (`/contacts/{contact_id}`); a raw id becomes `{id}`. */
export function routeLabel(path: string): string {
  return path.replace(ID_SEGMENT, '/{id}');
}

export const metrics: MetricsRecorder = {
  toolCall: (tool, outcome, era, seconds) => recorder?.toolCall(tool, outcome, era, seconds),
  upstream: (route, method, status, seconds) => recorder?.upstream(route, method, status, seconds),
  upstreamRetry: (route, status) => recorder?.upstreamRetry(route, status),
  pacerWait: (seconds) => recorder?.pacerWait(seconds),
  oauth: (event) => recorder?.oauth(event),
  oauthRefused: (endpoint, reason) => recorder?.oauthRefused(endpoint, reason),
  gauge: (name, delta) => recorder?.gauge(name, delta),
  sessions: (read) => recorder?.sessions(read),
};

/** For the task module: `tasksRunning.inc()` when a task starts, `.dec()` when it settles. */
export const tasksRunning = {
  inc: () => recorder?.gauge('tasks_running', 1),
  dec: () => recorder?.gauge('tasks_running', -1),
};
