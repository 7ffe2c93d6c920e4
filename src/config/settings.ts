/**
 * The one settings table. A row is one setting: its environment variable, its flag, its type (a
 * zod schema over the text), the default as shown, a short help line (`--help`), the README's
 * sentence, and the faces that read it. The parser (parse.ts), `--help` (help.ts) and the
 * README's table (readme.ts, checked by test/unit/settings-table.test.ts) are all made from it, so
 * a new setting is one new row.
 */
import { z } from 'zod';
import { MODES } from '../catalogue/select.js';
import type { Mode } from '../catalogue/types.js';
import { bool, httpUrl, int, list, oneOf, optionalInt } from './kinds.js';

/** Who reads a setting: the stdio server, remote mode, the g8 CLI, or the sandbox (and the demo). */
export type Face = 'stdio' | 'remote' | 'cli' | 'sandbox';

export interface Row {
  /** Unset for a flag-only setting (`sandbox --print-key`). */
  readonly env?: string;
  /** With its dashes. */
  readonly flag?: string;
  readonly type: z.ZodType;
  /** A flag that takes no value (`--read-only`, `--no-read-only`). */
  readonly switch?: true;
  /** The default as a person reads it. */
  readonly shown: string;
  /** One line for `--help`. */
  readonly help: string;
  /** The README's sentence (markdown); `help` when unset. */
  readonly doc?: string;
  readonly faces: readonly Face[];
}

/** pino's levels, listed here so reading the config does not load the logger (~100 ms). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const SERVER = ['stdio', 'remote', 'cli'] as const satisfies readonly Face[];
const REMOTE = ['remote'] as const satisfies readonly Face[];
const BOTH = ['stdio', 'remote'] as const satisfies readonly Face[];

const pace = z
  .string()
  .regex(/^(off|\d+,\d+)$/, 'expected "off" or "<per second>,<per minute>", e.g. 50,1000')
  .transform((s) => {
    if (s === 'off') return false as const;
    const [perSecond, perMinute] = s.split(',').map(Number) as [number, number];
    return { perSecond, perMinute };
  })
  .refine((p) => p === false || (p.perSecond >= 1 && p.perMinute >= 1), 'limits must be at least 1')
  .default({ perSecond: 50, perMinute: 1000 });

function row<const F extends readonly Face[], T extends z.ZodType>(
  r: Row & { readonly type: T; readonly faces: F },
): Row & { readonly type: T; readonly faces: F } {
  return r;
}

export const SETTINGS = {
  apiKey: row({
    env: 'G8_API_KEY',
    type: z.string().optional(),
    shown: '(required in stdio mode)',
    help: 'graph8 API key (g8_live_… or g8_test_…) for stdio mode and g8',
    doc: 'graph8 API key, `g8_live_…` or `g8_test_…`. A JWT (browser session token) is refused at start-up. Never logged.',
    faces: ['stdio', 'cli'],
  }),
  apiUrl: row({
    env: 'G8_API_URL',
    flag: '--api-url',
    type: httpUrl.default('https://be.graph8.com'),
    shown: 'https://be.graph8.com',
    help: 'API origin; /api/v1 is appended',
    doc: 'API origin; `/api/v1` is appended. Point it at the sandbox to try things locally.',
    faces: SERVER,
  }),
  mode: row({
    env: 'G8_MCP_MODE',
    flag: '--mode',
    type: oneOf(MODES as readonly Mode[] as [Mode, ...Mode[]]).default('all'),
    shown: 'all',
    help: 'Tool set: dev, gtm or all',
    doc: '`dev` (shared + developer tools), `gtm` (shared + GTM tools) or `all` (everything; the four GTM tools whose names collide are exposed as `g8_gtm_*`).',
    faces: SERVER,
  }),
  toolsets: row({
    env: 'G8_TOOLSETS',
    flag: '--toolsets',
    type: list,
    shown: '(all)',
    help: 'Comma list of groups to expose',
    doc: 'Comma list of groups: `contacts, companies, enrichment, sequences, inbox, audience, crm, repos, campaigns, knowledge`.',
    faces: BOTH,
  }),
  tools: row({
    env: 'G8_TOOLS',
    flag: '--tools',
    type: list,
    shown: '(all)',
    help: 'Comma list of tool names to expose (adds to toolsets)',
    doc: 'Comma list of tool names; adds to `G8_TOOLSETS` (a union).',
    faces: BOTH,
  }),
  readOnly: row({
    env: 'G8_READ_ONLY',
    flag: '--read-only',
    switch: true,
    type: bool,
    shown: 'false',
    help: 'Expose read-tier tools only',
    faces: BOTH,
  }),
  timeoutMs: row({
    env: 'G8_TIMEOUT_MS',
    flag: '--timeout-ms',
    type: int(100, 600_000, 30_000),
    shown: '30000',
    help: 'Per-attempt timeout of an API request',
    doc: 'Timeout of one API request attempt.',
    faces: SERVER,
  }),
  logLevel: row({
    env: 'G8_LOG_LEVEL',
    flag: '--log-level',
    type: oneOf(LOG_LEVELS).default('info'),
    shown: 'info',
    help: 'Log level on stderr (debug … silent)',
    doc: '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`. Logs go to stderr only.',
    faces: BOTH,
  }),
  confirm: row({
    env: 'G8_CONFIRM',
    flag: '--confirm',
    type: oneOf(['auto', 'strict', 'never']).default('auto'),
    shown: 'auto',
    help: 'auto: ask before destructive, billable, external calls; strict: only via elicitation; never: automation',
    doc: '`auto`: destructive, billable and external tools ask before acting ([Confirmation](#confirmation)), through elicitation or a preview and its `confirmation_token`; `strict`: only a person confirms — elicitation, or in remote mode the approval page (a stdio client without elicitation gets a `confirmation_unavailable` error saying why); `never`: act at once (automation).',
    faces: BOTH,
  }),
  scopeFilter: row({
    env: 'G8_SCOPE_FILTER',
    flag: '--scope-filter',
    type: oneOf(['on', 'off']).default('on'),
    shown: 'on',
    help: 'on: hide the tools the key lacks the scope for (read from GET /me); off: list everything',
    doc: '`on`: read `GET /me` and hide the tools the key lacks the scope for (`g8_whoami` lists them); `off`: list everything.',
    faces: BOTH,
  }),
  discovery: row({
    env: 'G8_DISCOVERY',
    flag: '--discovery',
    type: oneOf(['on', 'off', 'auto']).default('auto'),
    shown: 'auto',
    help: 'on: a core set plus g8_tool_search / g8_call; off: every tool; auto: on in all mode',
    doc: '`on`: list a core set plus `g8_tool_search` / `g8_call`; `off`: list every tool; `auto`: on in `all` mode, off otherwise.',
    faces: BOTH,
  }),
  pace: row({
    env: 'G8_PACE',
    flag: '--pace',
    type: pace,
    shown: '50,1000',
    help: 'Client-side pacing per key: requests per second,per minute; off disables it',
    doc: 'Client-side pacing per key: requests per second,per minute (the published limits); `off` disables it.',
    faces: SERVER,
  }),
  maxResultChars: row({
    env: 'G8_MAX_RESULT_CHARS',
    flag: '--max-result-chars',
    type: int(1000, 10_000_000, 25_000),
    shown: '25000',
    help: 'Response budget per result',
    doc: 'Response budget: longer results are cut to whole records, marked `truncated`, with how to continue.',
    faces: BOTH,
  }),
  taskTtlSec: row({
    env: 'G8_TASK_TTL_SEC',
    type: int(1, 2_592_000, 3600),
    shown: '3600',
    help: 'How long a finished task (enrichment, audience sync, launch) stays readable',
    doc: 'How long a finished task stays readable ([Long jobs as tasks](#long-jobs-as-tasks)), then purged.',
    faces: BOTH,
  }),
  maxTasksPerCaller: row({
    env: 'G8_MAX_TASKS_PER_CALLER',
    type: int(1, 100_000, 20),
    shown: '20',
    help: 'Tasks one caller may have running at once; beyond, a new one is refused',
    doc: 'Tasks one caller (API key or OAuth grant) may have running at once; beyond, a new one is refused.',
    faces: BOTH,
  }),
  auditFile: row({
    env: 'G8_AUDIT_FILE',
    type: z.string().min(1).optional(),
    shown: '(none: no audit)',
    help: 'Stdio mode: append an audit record per tool call to this file, as JSON lines',
    doc: 'Stdio mode: append an audit record per tool call to this file, as JSON lines (mode 0600; rotate it with your own tools).',
    faces: ['stdio'],
  }),
  serverUrl: row({
    env: 'G8_SERVER_URL',
    type: httpUrl.optional(),
    shown: '(none)',
    help: 'g8 audit: the remote g8-mcp-server whose audit trail it reads (or g8 audit --server)',
    doc: '`g8 audit`: the remote server whose audit trail it reads, e.g. `https://mcp.example.com` (or `g8 audit --server`).',
    faces: ['cli'],
  }),
  // Remote mode (`--http`): Streamable HTTP with OAuth sign-in.
  httpPort: row({
    env: 'G8_HTTP_PORT',
    flag: '--port',
    type: int(0, 65535, 8080),
    shown: '8080',
    help: 'Remote mode: port to listen on (0: any free port)',
    doc: 'Remote mode (`--http`): port to listen on (`0` = any free port).',
    faces: REMOTE,
  }),
  httpHost: row({
    env: 'G8_HTTP_HOST',
    flag: '--host',
    type: z.string().min(1).default('127.0.0.1'),
    shown: '127.0.0.1',
    help: 'Remote mode: interface to bind',
    doc: 'Remote mode: interface to bind. Behind a reverse proxy keep the loopback default.',
    faces: REMOTE,
  }),
  publicUrl: row({
    env: 'G8_PUBLIC_URL',
    flag: '--public-url',
    type: httpUrl
      .refine(
        (u) => /^https?:\/\/[^/?#]+\/?$/.test(u),
        'expected an origin such as https://mcp.example.com (no path)',
      )
      .optional(),
    shown: 'http://127.0.0.1:<port>',
    help: 'Remote mode: origin clients use (https behind TLS); tokens are bound to <it>/mcp',
    doc: 'Remote mode: the origin clients reach (https unless loopback, no path). Issuer and resource identity: access tokens are bound to `<it>/mcp` (a trailing slash, a query or no `resource` at all is tolerated; anything else is `invalid_target`).',
    faces: REMOTE,
  }),
  dataDir: row({
    env: 'G8_DATA_DIR',
    flag: '--data-dir',
    type: z.string().min(1).default('.data'),
    shown: '.data',
    help: 'Remote mode: where oauth.db, audit.db, tasks.db and the generated secret live',
    doc: 'Remote mode: holds `oauth.db` (clients, grants, hashed codes and tokens; SQLite, 0600), `tasks.db`, `audit.db` ([Audit trail](#audit-trail)) and the generated secret.',
    faces: REMOTE,
  }),
  mcpSecret: row({
    env: 'G8_MCP_SECRET',
    type: z.string().optional(),
    shown: '(generated)',
    help: 'Remote mode: secret (32+ chars) sealing upstream credentials; else kept in the data dir',
    doc: 'Remote mode: 32+ characters sealing upstream credentials (AES-256-GCM) and keying confirmation states (HMAC). Unset: generated once into `G8_DATA_DIR/mcp-secret` (mode 0600). Set the same value on every instance that shares a store or a URL.',
    faces: REMOTE,
  }),
  mcpSecretPrevious: row({
    env: 'G8_MCP_SECRET_PREVIOUS',
    type: z.string().optional(),
    shown: '(none)',
    help: 'Remote mode: earlier G8_MCP_SECRETs, comma-separated, newest first: they still open, never seal',
    doc: 'Remote mode: earlier `G8_MCP_SECRET` values, comma-separated, newest first (32+ characters each). They still open credentials and confirmation states they sealed; only `G8_MCP_SECRET` seals ([Rotating G8_MCP_SECRET](#rotating-g8_mcp_secret)).',
    faces: REMOTE,
  }),
  allowedHosts: row({
    env: 'G8_ALLOWED_HOSTS',
    type: list,
    shown: '(public host, localhost, 127.0.0.1)',
    help: 'Remote mode: Host headers accepted (DNS-rebinding guard)',
    faces: REMOTE,
  }),
  allowedOrigins: row({
    env: 'G8_ALLOWED_ORIGINS',
    type: list,
    shown: '(public origin)',
    help: 'Remote mode: browser Origins accepted on /mcp (CORS)',
    doc: 'Remote mode: browser `Origin`s accepted on `/mcp` (CORS).',
    faces: REMOTE,
  }),
  httpStateless: row({
    env: 'G8_HTTP_STATELESS',
    type: bool,
    shown: 'false',
    help: 'Remote mode: 2025 clients without sessions too (2026 is always stateless)',
    doc: 'Remote mode: serve 2025-era clients without sessions too (a fresh MCP server per request; 2026-07-28 requests are always stateless).',
    faces: REMOTE,
  }),
  httpJsonResponse: row({
    env: 'G8_HTTP_JSON_RESPONSE',
    type: bool,
    shown: 'false',
    help: 'Remote mode: answer POST /mcp with JSON instead of an SSE stream',
    doc: 'Remote mode: answer `POST /mcp` with plain JSON instead of an SSE stream.',
    faces: REMOTE,
  }),
  sessionIdleSec: row({
    env: 'G8_SESSION_IDLE_SEC',
    type: int(1, 86_400, 1800),
    shown: '1800',
    help: 'Remote mode: idle time after which a 2025-era session ends',
    doc: 'Remote mode: a 2025-era session idle this long is closed (the client re-initializes).',
    faces: REMOTE,
  }),
  maxSessions: row({
    env: 'G8_MAX_SESSIONS',
    type: int(1, 1_000_000, 1000),
    shown: '1000',
    help: 'Remote mode: open sessions kept in all (least recent of the owner with the most evicted)',
    doc: 'Remote mode: open 2025-era sessions kept in all; room is made by closing the least recent session of the owner holding the most.',
    faces: REMOTE,
  }),
  maxSessionsPerOwner: row({
    env: 'G8_MAX_SESSIONS_PER_OWNER',
    type: int(1, 1_000_000, 50),
    shown: '50',
    help: 'Remote mode: open sessions kept per credential owner (its least recent evicted)',
    doc: "Remote mode: open 2025-era sessions kept per credential owner; that owner's least recent is closed to make room.",
    faces: REMOTE,
  }),
  authFailuresPerMin: row({
    env: 'G8_AUTH_FAILURES_PER_MIN',
    type: int(0, 1_000_000, 30),
    shown: '30',
    help: 'Remote mode: failed credential checks per client address and per key prefix a minute, then 429 (0: no limit)',
    doc: 'Remote mode: failed credential checks on `/mcp` allowed per client address and per key prefix a minute, then `429` with `Retry-After` (`0`: no limit).',
    faces: REMOTE,
  }),
  oauthIssuer: row({
    env: 'G8_OAUTH_ISSUER',
    type: httpUrl.optional(),
    shown: '(none: API keys only)',
    help: 'Remote mode: upstream graph8 OAuth issuer for "Sign in with graph8"',
    doc: 'Remote mode: upstream graph8 OAuth issuer (RFC 8414 discovery) for "Sign in with graph8". Unset: the consent page offers the API key only.',
    faces: REMOTE,
  }),
  oauthClientId: row({
    env: 'G8_OAUTH_CLIENT_ID',
    type: z.string().min(1).optional(),
    shown: '(none)',
    help: 'Remote mode: client id at the upstream issuer',
    doc: "Remote mode: this server's client at the upstream issuer; its redirect URI is `<public url>/oauth/callback`.",
    faces: REMOTE,
  }),
  oauthClientSecret: row({
    env: 'G8_OAUTH_CLIENT_SECRET',
    type: z.string().min(1).optional(),
    shown: '(none)',
    help: 'Remote mode: client secret at the upstream issuer',
    faces: REMOTE,
  }),
  oauthScopes: row({
    env: 'G8_OAUTH_SCOPES',
    type: z.string().optional(),
    shown: "(the user's)",
    help: 'Remote mode: graph8 scopes asked of the upstream issuer',
    doc: 'Remote mode: graph8 scopes asked of the upstream issuer (space-separated).',
    faces: REMOTE,
  }),
  accessTokenTtlSec: row({
    env: 'G8_ACCESS_TOKEN_TTL_SEC',
    type: int(1, 86_400, 3600),
    shown: '3600',
    help: 'Remote mode: lifetime of MCP access tokens',
    faces: REMOTE,
  }),
  refreshTokenTtlSec: row({
    env: 'G8_REFRESH_TOKEN_TTL_SEC',
    type: int(60, 31_536_000, 2_592_000),
    shown: '2592000',
    help: 'Remote mode: lifetime of MCP refresh tokens (they rotate)',
    doc: 'Remote mode: lifetime of MCP refresh tokens; they rotate on every use, and a reused one revokes the grant.',
    faces: REMOTE,
  }),
  apiKeyCacheSec: row({
    env: 'G8_API_KEY_CACHE_SEC',
    type: int(0, 3600, 300),
    shown: '300',
    help: 'Remote mode: how long a checked API key is trusted',
    doc: 'Remote mode: how long an API key checked with `GET /me` is trusted.',
    faces: REMOTE,
  }),
  trustProxy: row({
    env: 'G8_TRUST_PROXY',
    type: bool,
    shown: 'false',
    help: 'Remote mode: trust X-Forwarded-* from a reverse proxy (express "trust proxy")',
    doc: 'Remote mode: trust `X-Forwarded-*` from a reverse proxy (per-client rate limits need it).',
    faces: REMOTE,
  }),
  auditRetentionDays: row({
    env: 'G8_AUDIT_RETENTION_DAYS',
    type: int(1, 36_500, 90),
    shown: '90',
    help: 'Remote mode: days the audit trail keeps a record',
    doc: 'Remote mode: days a record of the [audit trail](#audit-trail) is kept in `audit.db` or PostgreSQL (purged at start and hourly).',
    faces: REMOTE,
  }),
  metricsPort: row({
    env: 'G8_METRICS_PORT',
    type: optionalInt(0, 65535),
    shown: '(none: no metrics listener)',
    help: 'Remote mode: port of the separate Prometheus listener serving GET /metrics (0: any free port)',
    doc: 'Remote mode: port of a separate listener serving `GET /metrics` in the Prometheus text format (`0` = any free port). Unset: no listener, nothing recorded ([Operating](#operating)).',
    faces: REMOTE,
  }),
  metricsHost: row({
    env: 'G8_METRICS_HOST',
    type: z.string().min(1).default('127.0.0.1'),
    shown: '127.0.0.1',
    help: 'Remote mode: interface of the metrics listener (loopback unless a scraper must reach it)',
    faces: REMOTE,
  }),
  callsPerMinPerPrincipal: row({
    env: 'G8_CALLS_PER_MIN_PER_PRINCIPAL',
    type: int(0, 10_000_000, 1000),
    shown: '1000',
    help: 'Remote mode: tool calls a minute per API key or OAuth grant, then a 429 tool error (0: no limit)',
    doc: 'Remote mode: tool calls a minute per API key or OAuth grant (bursts up to a tenth of it); beyond, a `429` tool error with `retry_after_seconds`, nothing sent (`0`: no limit).',
    faces: REMOTE,
  }),
  maxInflightPerPrincipal: row({
    env: 'G8_MAX_INFLIGHT_PER_PRINCIPAL',
    type: int(0, 1_000_000, 32),
    shown: '32',
    help: 'Remote mode: tool calls running at once per API key or OAuth grant (0: no cap)',
    doc: 'Remote mode: tool calls running at once per API key or OAuth grant; one more is refused with a `429` tool error (`0`: no cap).',
    faces: REMOTE,
  }),
  otlpEndpoint: row({
    env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    type: httpUrl.optional(),
    shown: '(none: no tracing)',
    help: 'OpenTelemetry traces over OTLP/HTTP (JSON) to this collector (or set OTEL_TRACES_EXPORTER=otlp)',
    doc: 'OpenTelemetry traces, exported with OTLP over HTTP (JSON) to this collector; `OTEL_TRACES_EXPORTER=otlp` turns them on too, with the other standard `OTEL_*` variables. Unset, OpenTelemetry is not even loaded ([Operating](#operating)).',
    faces: BOTH,
  }),
  // Replicas (README "Deployment"): either engine may be set alone; with either, G8_MCP_SECRET is
  // required. The messages never echo the value: a URL may carry a password.
  databaseUrl: row({
    env: 'G8_DATABASE_URL',
    type: z
      .url({ protocol: /^postgres(ql)?$/, error: 'expected postgres://user:password@host:5432/database' })
      .optional(),
    shown: '(none: SQLite in the data dir)',
    help: 'Remote mode: postgres://… for OAuth state, tasks and the audit trail shared by every replica',
    doc: 'Remote mode: `postgres://user:password@host:5432/db` keeps OAuth clients, consent requests, grants, codes and tokens, the tasks and the audit trail in PostgreSQL, shared by every replica ([Deployment](#deployment)). Requires `G8_MCP_SECRET`.',
    faces: REMOTE,
  }),
  redisUrl: row({
    env: 'G8_REDIS_URL',
    type: z.url({ protocol: /^rediss?$/, error: 'expected redis://[:password@]host:6379[/db]' }).optional(),
    shown: '(none: in memory)',
    help: 'Remote mode: redis://… for limits, caches, locks and used confirmations shared by every replica',
    doc: 'Remote mode: `redis://[:password@]host:6379[/db]` (or `rediss://`) keeps rate-limit and pacing budgets, the API-key cache, refresh locks and used confirmation states in Redis, shared by every replica ([Deployment](#deployment)). Requires `G8_MCP_SECRET`.',
    faces: REMOTE,
  }),
  redisPrefix: row({
    env: 'G8_REDIS_PREFIX',
    type: z.string().min(1).max(100).default('g8:'),
    shown: 'g8:',
    help: 'Remote mode: prefix of every Redis key (several deployments, one Redis)',
    doc: 'Remote mode: prefix of every Redis key this server writes (several deployments may share one Redis).',
    faces: REMOTE,
  }),
  // The sandbox (`g8-mcp-server sandbox`, and `npm start`'s demo).
  sandboxPort: row({
    env: 'G8_SANDBOX_PORT',
    flag: '--port',
    type: int(0, 65535, 8808),
    shown: '8808',
    help: 'Sandbox: port to listen on (0: any free port)',
    doc: 'Sandbox (`npm start`, `g8-mcp-server sandbox`): port to listen on (`0` = any free port).',
    faces: ['sandbox'],
  }),
  sandboxHost: row({
    env: 'G8_SANDBOX_HOST',
    flag: '--host',
    type: z.string().min(1).default('127.0.0.1'),
    shown: '127.0.0.1',
    help: 'Sandbox: interface to bind',
    faces: ['sandbox'],
  }),
  sandboxDb: row({
    env: 'G8_SANDBOX_DB',
    flag: '--db',
    type: z.string().min(1).default('.data/sandbox.db'),
    shown: '.data/sandbox.db',
    help: "Sandbox: SQLite file (':memory:' for a throwaway)",
    doc: 'Sandbox: its SQLite file (`:memory:` for a throwaway).',
    faces: ['sandbox'],
  }),
  sandboxPrintKey: row({
    flag: '--print-key',
    switch: true,
    type: bool,
    shown: 'false',
    help: 'Sandbox: print only the demo API key and exit',
    faces: ['sandbox'],
  }),
  sandboxScopeMode: row({
    env: 'G8_SANDBOX_SCOPE_MODE',
    type: oneOf(['enforce', 'soak']).default('enforce'),
    shown: 'enforce',
    help: 'Sandbox: soak logs scope failures instead of refusing (except campaigns:launch)',
    doc: 'Sandbox: `soak` logs scope failures instead of refusing (except `campaigns:launch`).',
    faces: ['sandbox'],
  }),
  sandboxRatePerSecond: row({
    env: 'G8_SANDBOX_RATE_PER_SECOND',
    type: int(1, 1_000_000_000, 50),
    shown: '50',
    help: 'Sandbox: requests a second per org',
    faces: ['sandbox'],
  }),
  sandboxRatePerMinute: row({
    env: 'G8_SANDBOX_RATE_PER_MINUTE',
    type: int(1, 1_000_000_000, 1000),
    shown: '1000',
    help: 'Sandbox: requests a minute per org',
    faces: ['sandbox'],
  }),
  sandboxOauthTokenTtl: row({
    env: 'G8_SANDBOX_OAUTH_TOKEN_TTL',
    type: int(1, 31_536_000, 3600),
    shown: '3600',
    help: 'Sandbox: lifetime of its OAuth access tokens (seconds)',
    doc: 'Sandbox: lifetime of the access tokens its OAuth server issues (seconds).',
    faces: ['sandbox'],
  }),
  sandboxOauthRedirects: row({
    env: 'G8_SANDBOX_OAUTH_REDIRECTS',
    type: list,
    shown: '(none)',
    help: 'Sandbox: extra exact redirect URIs for its OAuth client (loopback ones always accepted)',
    faces: ['sandbox'],
  }),
} as const satisfies Record<string, Row>;

type Rows = typeof SETTINGS;
export type SettingKey = keyof Rows;

/** The keys of the settings one of `faces` reads. */
export type KeysOf<F extends Face> = {
  [K in SettingKey]: F extends Rows[K]['faces'][number] ? K : never;
}[SettingKey];

/** The parsed values of the settings one of `faces` reads. */
export type SettingsOf<F extends Face> = { [K in KeysOf<F>]: z.output<Rows[K]['type']> };

/** The servers' and g8's settings. */
export type Config = SettingsOf<'stdio' | 'remote' | 'cli'>;
export type SandboxSettings = SettingsOf<'sandbox'>;
