/**
 * Every setting in one place: defaults < environment (G8_*) < command-line flags, validated once
 * with zod. The README's settings table mirrors SETTINGS below.
 */
import { z } from 'zod';
import { MODES } from './catalogue/select.js';
import { ENV_KEYS, FLAG_KEYS, type SettingKey } from './setting-keys.js';

/** pino's levels, listed here so reading the config does not load the logger (~100 ms). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface Setting {
  readonly env: string;
  readonly flag?: string;
  readonly default: string;
  readonly help: string;
}

/** The documented settings (README table and --help are generated from the same words). */
export const SETTINGS: readonly Setting[] = [
  {
    env: 'G8_API_KEY',
    default: '(required)',
    help: 'graph8 API key (g8_live_… or g8_test_…) for stdio mode',
  },
  {
    env: 'G8_API_URL',
    flag: '--api-url',
    default: 'https://be.graph8.com',
    help: 'API origin; /api/v1 is appended',
  },
  { env: 'G8_MCP_MODE', flag: '--mode', default: 'all', help: 'Tool set: dev, gtm or all' },
  { env: 'G8_TOOLSETS', flag: '--toolsets', default: '(all)', help: 'Comma list of groups to expose' },
  {
    env: 'G8_TOOLS',
    flag: '--tools',
    default: '(all)',
    help: 'Comma list of tool names to expose (adds to toolsets)',
  },
  { env: 'G8_READ_ONLY', flag: '--read-only', default: 'false', help: 'Expose read-tier tools only' },
  {
    env: 'G8_TIMEOUT_MS',
    flag: '--timeout-ms',
    default: '30000',
    help: 'Per-attempt timeout of an API request',
  },
  { env: 'G8_LOG_LEVEL', flag: '--log-level', default: 'info', help: 'Log level on stderr (debug … silent)' },
  {
    env: 'G8_CONFIRM',
    flag: '--confirm',
    default: 'auto',
    help: 'auto: ask before destructive, billable, external calls; strict: only via elicitation; never: automation',
  },
  {
    env: 'G8_TASK_TTL_SEC',
    default: '3600',
    help: 'How long a finished task (enrichment, audience sync, launch) stays readable',
  },
  {
    env: 'G8_MAX_TASKS_PER_CALLER',
    default: '20',
    help: 'Tasks one caller may have running at once; beyond, a new one is refused',
  },
  {
    env: 'G8_MAX_RESULT_CHARS',
    flag: '--max-result-chars',
    default: '25000',
    help: 'Response budget per result',
  },
  // Remote mode (`--http`): Streamable HTTP with OAuth sign-in.
  { env: 'G8_HTTP_PORT', flag: '--port', default: '8080', help: 'Remote mode: port to listen on' },
  { env: 'G8_HTTP_HOST', flag: '--host', default: '127.0.0.1', help: 'Remote mode: interface to bind' },
  {
    env: 'G8_PUBLIC_URL',
    flag: '--public-url',
    default: 'http://127.0.0.1:<port>',
    help: 'Remote mode: origin clients use (https behind TLS); tokens are bound to <it>/mcp',
  },
  {
    env: 'G8_DATA_DIR',
    flag: '--data-dir',
    default: '.data',
    help: 'Remote mode: where oauth.db and the generated secret live',
  },
  {
    env: 'G8_MCP_SECRET',
    default: '(generated)',
    help: 'Remote mode: secret (32+ chars) sealing upstream credentials; else kept in the data dir',
  },
  {
    env: 'G8_MCP_SECRET_PREVIOUS',
    default: '(none)',
    help: 'Remote mode: earlier G8_MCP_SECRETs, comma-separated, newest first: they still open, never seal',
  },
  {
    env: 'G8_ALLOWED_HOSTS',
    default: '(public host, localhost, 127.0.0.1)',
    help: 'Remote mode: Host headers accepted (DNS-rebinding guard)',
  },
  {
    env: 'G8_ALLOWED_ORIGINS',
    default: '(public origin)',
    help: 'Remote mode: browser Origins accepted on /mcp (CORS)',
  },
  {
    env: 'G8_HTTP_STATELESS',
    default: 'false',
    help: 'Remote mode: 2025 clients without sessions too (2026 is always stateless)',
  },
  {
    env: 'G8_HTTP_JSON_RESPONSE',
    default: 'false',
    help: 'Remote mode: answer POST /mcp with JSON instead of an SSE stream',
  },
  { env: 'G8_SESSION_IDLE_SEC', default: '1800', help: 'Remote mode: idle time after which a session ends' },
  {
    env: 'G8_MAX_SESSIONS',
    default: '1000',
    help: 'Remote mode: open sessions kept in all (least recent of the owner with the most evicted)',
  },
  {
    env: 'G8_MAX_SESSIONS_PER_OWNER',
    default: '50',
    help: 'Remote mode: open sessions kept per credential owner (its least recent evicted)',
  },
  {
    env: 'G8_OAUTH_ISSUER',
    default: '(none: API keys only)',
    help: 'Remote mode: upstream graph8 OAuth issuer for "Sign in with graph8"',
  },
  { env: 'G8_OAUTH_CLIENT_ID', default: '(none)', help: 'Remote mode: client id at the upstream issuer' },
  {
    env: 'G8_OAUTH_CLIENT_SECRET',
    default: '(none)',
    help: 'Remote mode: client secret at the upstream issuer',
  },
  {
    env: 'G8_OAUTH_SCOPES',
    default: "(the user's)",
    help: 'Remote mode: graph8 scopes asked of the upstream issuer',
  },
  { env: 'G8_ACCESS_TOKEN_TTL_SEC', default: '3600', help: 'Remote mode: lifetime of MCP access tokens' },
  {
    env: 'G8_REFRESH_TOKEN_TTL_SEC',
    default: '2592000',
    help: 'Remote mode: lifetime of MCP refresh tokens (they rotate)',
  },
  { env: 'G8_API_KEY_CACHE_SEC', default: '300', help: 'Remote mode: how long a checked API key is trusted' },
  {
    env: 'G8_AUTH_FAILURES_PER_MIN',
    default: '30',
    help: 'Remote mode: failed credential checks on /mcp allowed per client address and per key prefix a minute, then 429 (0: no limit)',
  },
  {
    env: 'G8_METRICS_PORT',
    default: '(none: no metrics listener)',
    help: 'Remote mode: port of the separate Prometheus listener serving GET /metrics (0: any free port)',
  },
  {
    env: 'G8_METRICS_HOST',
    default: '127.0.0.1',
    help: 'Remote mode: interface of the metrics listener (loopback unless a scraper must reach it)',
  },
  {
    env: 'G8_CALLS_PER_MIN_PER_PRINCIPAL',
    default: '1000',
    help: 'Remote mode: tool calls a minute per API key or OAuth grant, bursts up to a tenth of it, then a 429 tool error with retry_after_seconds (0: no limit)',
  },
  {
    env: 'G8_MAX_INFLIGHT_PER_PRINCIPAL',
    default: '32',
    help: 'Remote mode: tool calls running at once per API key or OAuth grant; more are refused with a 429 tool error (0: no cap)',
  },
  {
    env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    default: '(none: no tracing)',
    help: 'OpenTelemetry traces over OTLP/HTTP (JSON) to this collector (or set OTEL_TRACES_EXPORTER=otlp)',
  },
  {
    env: 'G8_TRUST_PROXY',
    default: 'false',
    help: 'Remote mode: trust X-Forwarded-* from a reverse proxy (express "trust proxy")',
  },
  // Replicas (README "Deployment"): either engine may be set alone; with either, G8_MCP_SECRET is required.
  {
    env: 'G8_DATABASE_URL',
    default: '(none: SQLite in the data dir)',
    help: 'Remote mode: postgres://… for OAuth clients, grants and tasks shared by every replica',
  },
  {
    env: 'G8_REDIS_URL',
    default: '(none: in memory)',
    help: 'Remote mode: redis://… for limits, caches, locks and used confirmations shared by every replica',
  },
  {
    env: 'G8_REDIS_PREFIX',
    default: 'g8:',
    help: 'Remote mode: prefix of every Redis key (several deployments, one Redis)',
  },
  {
    env: 'G8_AUDIT_RETENTION_DAYS',
    default: '90',
    help: 'Remote mode: days the audit trail (audit.db in the data dir) keeps a record',
  },
  {
    env: 'G8_AUDIT_FILE',
    default: '(none: no audit)',
    help: 'Stdio mode: append an audit record per tool call to this file, as JSON lines',
  },
  {
    env: 'G8_SERVER_URL',
    default: '(none)',
    help: 'g8 audit: the remote g8-mcp-server whose audit trail it reads (or --server)',
  },
];

const list = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .optional();

const bool = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .refine((s) => ['', 'true', 'false', '1', '0', 'yes', 'no'].includes(s), 'expected true or false')
  .transform((s) => s === 'true' || s === '1' || s === 'yes')
  .optional();

const ConfigSchema = z.object({
  apiKey: z.string().optional(),
  apiUrl: z.url({ protocol: /^https?$/ }).default('https://be.graph8.com'),
  mode: z
    .enum(MODES as [string, ...string[]], { error: `expected one of ${MODES.join(', ')}` })
    .default('all'),
  toolsets: list,
  tools: list,
  readOnly: bool,
  timeoutMs: z.coerce.number().int().min(100).max(600_000).default(30_000),
  logLevel: z.enum(LOG_LEVELS).default('info'),
  confirm: z.enum(['auto', 'strict', 'never'], { error: 'expected auto, strict or never' }).default('auto'),
  pace: z
    .string()
    .regex(/^(off|\d+,\d+)$/, 'expected "off" or "<per second>,<per minute>", e.g. 50,1000')
    .transform((s) => {
      if (s === 'off') return false as const;
      const [perSecond, perMinute] = s.split(',').map(Number) as [number, number];
      return { perSecond, perMinute };
    })
    .refine((p) => p === false || (p.perSecond >= 1 && p.perMinute >= 1), 'limits must be at least 1')
    .default({ perSecond: 50, perMinute: 1000 }),
  scopeFilter: z.enum(['on', 'off'], { error: 'expected on or off' }).default('on'),
  discovery: z.enum(['on', 'off', 'auto'], { error: 'expected on, off or auto' }).default('auto'),
  maxResultChars: z.coerce.number().int().min(1000).max(10_000_000).default(25_000),
  taskTtlSec: z.coerce.number().int().min(1).max(2_592_000).default(3600),
  maxTasksPerCaller: z.coerce.number().int().min(1).max(100_000).default(20),
  // Remote mode (src/http, src/auth).
  httpPort: z.coerce.number().int().min(0).max(65535).default(8080),
  httpHost: z.string().min(1).default('127.0.0.1'),
  publicUrl: z
    .url({ protocol: /^https?$/ })
    .refine(
      (u) => /^https?:\/\/[^/?#]+\/?$/.test(u),
      'expected an origin such as https://mcp.example.com (no path)',
    )
    .optional(),
  dataDir: z.string().min(1).default('.data'),
  mcpSecret: z.string().optional(),
  mcpSecretPrevious: z.string().optional(),
  allowedHosts: list,
  allowedOrigins: list,
  httpStateless: bool,
  httpJsonResponse: bool,
  sessionIdleSec: z.coerce.number().int().min(1).max(86_400).default(1800),
  maxSessions: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  maxSessionsPerOwner: z.coerce.number().int().min(1).max(1_000_000).default(50),
  oauthIssuer: z.url({ protocol: /^https?$/ }).optional(),
  oauthClientId: z.string().min(1).optional(),
  oauthClientSecret: z.string().min(1).optional(),
  oauthScopes: z.string().optional(),
  accessTokenTtlSec: z.coerce.number().int().min(1).max(86_400).default(3600),
  refreshTokenTtlSec: z.coerce.number().int().min(60).max(31_536_000).default(2_592_000),
  apiKeyCacheSec: z.coerce.number().int().min(0).max(3600).default(300),
  authFailuresPerMin: z.coerce.number().int().min(0).max(1_000_000).default(30),
  trustProxy: bool,
  auditRetentionDays: z.coerce.number().int().min(1).max(36_500).default(90),
  auditFile: z.string().min(1).optional(),
  serverUrl: z.url({ protocol: /^https?$/ }).optional(),
  metricsPort: z.coerce.number().int().min(0).max(65535).optional(),
  metricsHost: z.string().min(1).default('127.0.0.1'),
  callsPerMinPerPrincipal: z.coerce.number().int().min(0).max(10_000_000).default(1000),
  maxInflightPerPrincipal: z.coerce.number().int().min(0).max(1_000_000).default(32),
  // The messages never echo the value: a URL may carry a password.
  databaseUrl: z
    .url({ protocol: /^postgres(ql)?$/, error: 'expected postgres://user:password@host:5432/database' })
    .optional(),
  redisUrl: z.url({ protocol: /^rediss?$/, error: 'expected redis://[:password@]host:6379[/db]' }).optional(),
  redisPrefix: z.string().min(1).max(100).default('g8:'),
});

export type Config = z.output<typeof ConfigSchema> & { mode: 'dev' | 'gtm' | 'all' };

export class ConfigError extends Error {}

// Every table entry must name a field of the schema (checked at compile time).
const _settingKeysMatchSchema: readonly (keyof z.input<typeof ConfigSchema>)[] = [
  ...Object.values(ENV_KEYS),
  ...Object.values(FLAG_KEYS),
];

/** Parses `--flag value`, `--flag=value` and bare boolean `--read-only`. */
export function parseFlags(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    const key = (FLAG_KEYS as Readonly<Record<string, SettingKey>>)[flag];
    if (!key) throw new ConfigError(`Unknown option ${flag}. Run g8-mcp-server --help for the options.`);
    if (inline !== undefined) out[key] = inline;
    else if (key === 'readOnly' && (argv[i + 1] === undefined || argv[i + 1]?.startsWith('--')))
      out[key] = 'true';
    else {
      const next = argv[++i];
      if (next === undefined) throw new ConfigError(`Option ${flag} needs a value.`);
      out[key] = next;
    }
  }
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv, argv: readonly string[] = []): Config {
  const raw: Record<string, string> = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  Object.assign(raw, parseFlags(argv));
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]);
    const name = Object.entries(ENV_KEYS).find(([, k]) => k === key)?.[0] ?? key;
    throw new ConfigError(`Invalid ${name}: ${issue.message}`);
  }
  return parsed.data as Config;
}

// Lives in a module without zod so stdio's fast start-up can check a key without loading zod.
export { looksLikeJwt } from './stdio-key.js';
