/**
 * Every setting in one place: defaults < environment (G8_*) < command-line flags, validated once
 * with zod. The README's settings table mirrors SETTINGS below.
 */
import { z } from 'zod';
import { MODES } from './catalogue/select.js';
import { LOG_LEVELS } from './log.js';

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
    help: 'auto: ask before destructive, billable, external calls; never: automation',
  },
  {
    env: 'G8_MAX_RESULT_CHARS',
    flag: '--max-result-chars',
    default: '25000',
    help: 'Response budget per result',
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
  confirm: z.enum(['auto', 'never'], { error: 'expected auto or never' }).default('auto'),
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
  maxResultChars: z.coerce.number().int().min(1000).max(10_000_000).default(25_000),
});

export type Config = z.output<typeof ConfigSchema> & { mode: 'dev' | 'gtm' | 'all' };

export class ConfigError extends Error {}

const ENV_KEYS: Record<string, keyof z.input<typeof ConfigSchema>> = {
  G8_API_KEY: 'apiKey',
  G8_API_URL: 'apiUrl',
  G8_MCP_MODE: 'mode',
  G8_TOOLSETS: 'toolsets',
  G8_TOOLS: 'tools',
  G8_READ_ONLY: 'readOnly',
  G8_TIMEOUT_MS: 'timeoutMs',
  G8_LOG_LEVEL: 'logLevel',
  G8_CONFIRM: 'confirm',
  G8_MAX_RESULT_CHARS: 'maxResultChars',
  G8_PACE: 'pace',
};

const FLAG_KEYS: Record<string, keyof z.input<typeof ConfigSchema>> = {
  '--api-url': 'apiUrl',
  '--mode': 'mode',
  '--toolsets': 'toolsets',
  '--tools': 'tools',
  '--read-only': 'readOnly',
  '--timeout-ms': 'timeoutMs',
  '--log-level': 'logLevel',
  '--confirm': 'confirm',
  '--max-result-chars': 'maxResultChars',
  '--pace': 'pace',
};

/** Parses `--flag value`, `--flag=value` and bare boolean `--read-only`. */
export function parseFlags(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    const key = FLAG_KEYS[flag];
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

/** Three dot-separated base64url parts: a browser session token, not an API key. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token.trim());
}
