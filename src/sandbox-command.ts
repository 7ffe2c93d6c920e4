/**
 * The server's side of the sandbox: `g8-mcp-server sandbox [--port 8808] [--host H] [--db PATH]
 * [--print-key]`, the demo's `--port`/`--db`, the G8_SANDBOX_* environment both read, and the
 * dynamic load of the separate `g8-sandbox` package (packages/sandbox), which a published server
 * does not depend on: stdio and remote mode never load it.
 *
 * All argv and environment reading for the sandbox and the demo lives here and nowhere in the
 * package, so it can move onto the settings table in one place.
 */
import { resolve } from 'node:path';
import type { OAuthOptions, RateLimitConfig, SandboxOptions, ScopeMode } from 'g8-sandbox';

/** Bad flags; the entry point prints the message and exits 2 (matched by class name). */
export class UsageFailure extends Error {}

/** A bad G8_SANDBOX_* value, or no g8-sandbox package: one line, exit 1 (matched by class name). */
export class SandboxCommandError extends Error {}

const PACKAGE = 'g8-sandbox';

/** What to do when the package is missing, as one line. */
export const MISSING_SANDBOX = `the sandbox is the separate package ${PACKAGE}, which is not installed: from a clone of the repository run \`npm install\` (it is a workspace), or, once it is published, install it next to the server (\`npm install -g ${PACKAGE}\` beside a global g8-mcp-server)`;

type SandboxPackage = typeof import('g8-sandbox');

/**
 * Loads g8-sandbox, or throws the one line saying how to get it. Only its own absence is turned
 * into that line: a missing dependency inside it (say its SQLite addon) keeps its own message.
 */
export async function loadSandbox(): Promise<SandboxPackage> {
  try {
    return await import(PACKAGE);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(`'${PACKAGE}'`)) {
      throw new SandboxCommandError(MISSING_SANDBOX);
    }
    throw error;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function positiveInt(env: Env, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  if (!/^\d{1,9}$/.test(text.trim()) || Number(text) < 1) {
    throw new SandboxCommandError(`${name} must be a positive integer (got "${text}")`);
  }
  return Number(text);
}

function scopeModeFrom(env: Env): ScopeMode {
  const text = env.G8_SANDBOX_SCOPE_MODE?.trim().toLowerCase();
  if (text === undefined || text === '') return 'enforce';
  if (text === 'enforce' || text === 'soak') return text;
  throw new SandboxCommandError(
    `G8_SANDBOX_SCOPE_MODE must be enforce or soak (got "${env.G8_SANDBOX_SCOPE_MODE}")`,
  );
}

/**
 * G8_SANDBOX_OAUTH_TOKEN_TTL (seconds; anything but a positive integer means the default 3600, as
 * before the move) and G8_SANDBOX_OAUTH_REDIRECTS (comma-separated exact URIs).
 */
function oauthFrom(env: Env): OAuthOptions {
  const text = env.G8_SANDBOX_OAUTH_TOKEN_TTL?.trim();
  const ttl = Number(text);
  return {
    ...(text && Number.isInteger(ttl) && ttl >= 1 ? { accessTokenTtlSec: ttl } : {}),
    extraRedirects: (env.G8_SANDBOX_OAUTH_REDIRECTS ?? '')
      .split(',')
      .map((uri) => uri.trim())
      .filter(Boolean),
  };
}

/** Everything startSandbox takes from the environment: G8_SANDBOX_RATE_*, _SCOPE_MODE, _OAUTH_*. */
export function sandboxEnvOptions(env: Env): {
  rateLimit: RateLimitConfig;
  scopeMode: ScopeMode;
  oauth: OAuthOptions;
} {
  return {
    rateLimit: {
      perSecond: positiveInt(env, 'G8_SANDBOX_RATE_PER_SECOND', 50),
      perMinute: positiveInt(env, 'G8_SANDBOX_RATE_PER_MINUTE', 1000),
    },
    scopeMode: scopeModeFrom(env),
    oauth: oauthFrom(env),
  };
}

interface CliArgs {
  port: number;
  host: string;
  db: string;
  printKey: boolean;
  help: boolean;
}

const USAGE = `Usage: g8-mcp-server sandbox [--port 8808] [--host 127.0.0.1] [--db .data/sandbox.db] [--print-key]

Starts a local graph8-compatible REST API backed by SQLite, seeded with a demo org.
  --port N       port to listen on (0 = any free port; default 8808)
  --host H       interface to bind (default 127.0.0.1)
  --db PATH      SQLite file (default .data/sandbox.db; ':memory:' for a throwaway)
  --print-key    print only the demo API key and exit
Environment: G8_SANDBOX_RATE_PER_SECOND, G8_SANDBOX_RATE_PER_MINUTE, G8_SANDBOX_SCOPE_MODE=enforce|soak
`;

export function parseCliArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = {
    port: 8808,
    host: '127.0.0.1',
    db: resolve('.data', 'sandbox.db'),
    printKey: false,
    help: false,
  };
  const list = argv[0] === 'sandbox' ? argv.slice(1) : [...argv];
  for (let i = 0; i < list.length; i++) {
    const arg = list[i] as string;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      const v = inline ?? list[++i];
      if (v === undefined || v === '') throw new UsageFailure(`${flag} needs a value\n\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--port': {
        const text = value();
        const port = Number(text);
        if (!/^\d{1,5}$/.test(text) || port > 65535)
          throw new UsageFailure(`--port must be 0–65535 (got "${text}")`);
        args.port = port;
        break;
      }
      case '--host':
        args.host = value();
        break;
      case '--db': {
        const path = value();
        args.db = path === ':memory:' ? path : resolve(path);
        break;
      }
      case '--print-key':
        args.printKey = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new UsageFailure(`unknown sandbox option ${arg}\n\n${USAGE}`);
    }
  }
  return args;
}

/** Serves until SIGINT/SIGTERM, then closes the server and the database so the WAL is checkpointed. */
export async function runSandboxCli(argv: string[]): Promise<void> {
  const args = parseCliArgs(argv);
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const { readDemoKey, startSandbox } = await loadSandbox();
  if (args.printKey) {
    process.stdout.write(`${readDemoKey(args.db)}\n`);
    return;
  }
  const options: SandboxOptions = {
    port: args.port,
    host: args.host,
    dbPath: args.db,
    ...sandboxEnvOptions(process.env),
  };
  const sandbox = await startSandbox(options);
  process.stdout.write(`graph8 sandbox listening on ${sandbox.url}
  API        ${sandbox.url}/api/v1   (OpenAPI: ${sandbox.url}/api/v1/openapi.json)
  dashboard  ${sandbox.url}/
  database   ${args.db}
  demo key   ${sandbox.demoKey}

Point the MCP server at it:
  G8_API_URL=${sandbox.url} G8_API_KEY=${sandbox.demoKey} npx g8-mcp-server

Press Ctrl+C to stop.
`);
  await new Promise<void>((done) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stderr.write(`sandbox: ${signal}, shutting down\n`);
      sandbox.close().then(done, (error: unknown) => {
        process.stderr.write(
          `sandbox: close failed: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        done();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export interface DemoOptions {
  port: number;
  dbPath: string;
}

/** `g8-mcp-server demo [--port N] [--db PATH]`, with G8_SANDBOX_PORT and G8_SANDBOX_DB as defaults. */
export function parseDemoArgs(argv: readonly string[]): DemoOptions {
  const opts: DemoOptions = {
    port: Number(process.env.G8_SANDBOX_PORT ?? 8808),
    dbPath: process.env.G8_SANDBOX_DB ?? resolve('.data', 'sandbox.db'),
  };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') opts.port = Number(argv[++i]);
    else if (argv[i] === '--db') opts.dbPath = resolve(String(argv[++i]));
    else throw new Error(`unknown option ${argv[i]} (demo takes --port N and --db PATH)`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535)
    throw new Error('--port must be 0-65535');
  return opts;
}
