/**
 * The stdio settings, read without zod: loading zod costs ~80 ms even bundled, more than Node's
 * own start-up, so the fast start-up cannot afford it before answering `initialize`.
 *
 * This reader only ever accepts. It returns a config when every G8_* variable and flag present is
 * one it knows and every value is in a plain form that config.ts accepts with the same meaning;
 * anything else (a remote-mode setting, an unusual spelling, a bad value) returns undefined and
 * start-up goes through config.ts as before — so every message about a bad setting still comes
 * from one place, and a list here that falls behind config.ts only costs speed, never correctness.
 * test/unit/perf-fast-config.test.ts holds the two to agreement.
 */
import type { Mode } from '../catalogue/types.js';
import { ENV_KEYS, FLAG_KEYS } from '../setting-keys.js';

export interface FastConfig {
  readonly apiKey?: string;
  readonly apiUrl: string;
  readonly mode: Mode;
  readonly toolsets?: string[];
  readonly tools?: string[];
  readonly readOnly?: boolean;
  readonly timeoutMs: number;
  readonly scopeFilter: 'on' | 'off';
  readonly discovery: 'on' | 'off' | 'auto';
}

type Key = keyof FastConfig | 'logLevel' | 'confirm' | 'maxResultChars' | 'pace';

const NO = Symbol('not certainly valid');

const oneOf =
  <T extends string>(...values: T[]) =>
  (v: string): T | typeof NO =>
    (values as string[]).includes(v) ? (v as T) : NO;

const list = (v: string) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** Plain decimal integers in range; config.ts coerces more spellings, which fall back to it. */
const int = (min: number, max: number) => (v: string) => {
  if (!/^\d{1,9}$/.test(v)) return NO;
  const n = Number(v);
  return n >= min && n <= max ? n : NO;
};

const CHECK: Readonly<Record<Key, (v: string) => unknown>> = {
  apiKey: (v) => v,
  // http(s) URLs of printable ASCII with no spaces: zod's trim and tab/newline stripping are no-ops.
  apiUrl: (v) => (/^https?:\/\/[\x21-\x7e]+$/.test(v) && URL.canParse(v) ? v : NO),
  mode: oneOf('dev', 'gtm', 'all'),
  toolsets: list,
  tools: list,
  readOnly: (v) => {
    const s = v.trim().toLowerCase();
    if (!['', 'true', 'false', '1', '0', 'yes', 'no'].includes(s)) return NO;
    return s === 'true' || s === '1' || s === 'yes';
  },
  timeoutMs: int(100, 600_000),
  logLevel: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  confirm: oneOf('auto', 'never'),
  maxResultChars: int(1000, 10_000_000),
  pace: (v) => {
    if (v === 'off') return v;
    const m = /^(\d{1,6}),(\d{1,6})$/.exec(v);
    return m && Number(m[1]) >= 1 && Number(m[2]) >= 1 ? v : NO;
  },
  scopeFilter: oneOf('on', 'off'),
  discovery: oneOf('on', 'off', 'auto'),
};

/** The entries of a setting table whose setting this reader understands (CHECK below). */
function understood(table: Readonly<Record<string, string>>): Readonly<Record<string, Key>> {
  return Object.fromEntries(Object.entries(table).filter(([, key]) => key in CHECK)) as Record<string, Key>;
}

const ENV = understood(ENV_KEYS);
const FLAGS = understood(FLAG_KEYS);

/** `--flag value`, `--flag=value` and a bare `--read-only`, as config.ts's parseFlags reads them. */
function readFlags(argv: readonly string[], raw: Record<string, string>): boolean {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const key = FLAGS[flag];
    if (!key) return false;
    if (eq !== -1) raw[key] = arg.slice(eq + 1);
    else if (key === 'readOnly' && (argv[i + 1] === undefined || argv[i + 1]?.startsWith('--')))
      raw[key] = 'true';
    else {
      const next = argv[++i];
      if (next === undefined) return false;
      raw[key] = next;
    }
  }
  return true;
}

/** The stdio settings if they are certainly valid; undefined sends start-up through config.ts. */
export function fastConfig(env: NodeJS.ProcessEnv, argv: readonly string[]): FastConfig | undefined {
  const raw: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('G8_') || value === undefined || value === '') continue;
    const key = ENV[name];
    if (!key) return undefined;
    raw[key] = value;
  }
  if (!readFlags(argv, raw)) return undefined;
  const out: Record<string, unknown> = {
    apiUrl: 'https://be.graph8.com',
    mode: 'all',
    timeoutMs: 30_000,
    scopeFilter: 'on',
    discovery: 'auto',
  };
  for (const [key, value] of Object.entries(raw)) {
    const parsed = CHECK[key as Key](value);
    if (parsed === NO) return undefined;
    out[key] = parsed;
  }
  return out as unknown as FastConfig;
}

/** Progressive discovery is on when asked, or by default in `all` mode (as stdio.ts decides it). */
export function discoveryOn(discovery: 'on' | 'off' | 'auto', mode: Mode): boolean {
  return discovery === 'on' || (discovery === 'auto' && mode === 'all');
}
