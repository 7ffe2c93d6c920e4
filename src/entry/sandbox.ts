/**
 * `g8-mcp-server sandbox [--port 8808] [--host H] [--db PATH] [--print-key]`, and what the demo
 * takes of the same settings (the sandbox face of src/config/settings.ts). The sandbox is the
 * separate package g8-sandbox (packages/sandbox), which a published server does not depend on:
 * stdio and remote mode never load it, and this file is the only one that does.
 */
import { resolve } from 'node:path';
import type { OAuthOptions, RateLimitConfig, ScopeMode } from 'g8-sandbox';
import { sandboxHelpText } from '../config/help.js';
import { readSettings } from '../config/parse.js';
import type { SandboxSettings } from '../config/settings.js';
import { StartupError } from '../platform/errors.js';

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
      throw new StartupError(MISSING_SANDBOX);
    }
    throw error;
  }
}

/**
 * Starts the sandbox; its own start-up refusals (a port in use, a database without its demo org)
 * become the server's StartupError: one line, exit 1.
 */
export async function startLocalSandbox(
  options: Parameters<SandboxPackage['startSandbox']>[0],
): ReturnType<SandboxPackage['startSandbox']> {
  const pkg = await loadSandbox();
  try {
    return await pkg.startSandbox(options);
  } catch (error) {
    throw error instanceof pkg.SandboxStartError ? new StartupError(error.message) : error;
  }
}

/** What startSandbox takes of the settings besides where it listens and its file. */
export function sandboxOptions(
  s: Pick<
    SandboxSettings,
    | 'sandboxRatePerSecond'
    | 'sandboxRatePerMinute'
    | 'sandboxScopeMode'
    | 'sandboxOauthTokenTtl'
    | 'sandboxOauthRedirects'
  >,
): { rateLimit: RateLimitConfig; scopeMode: ScopeMode; oauth: OAuthOptions } {
  return {
    rateLimit: { perSecond: s.sandboxRatePerSecond, perMinute: s.sandboxRatePerMinute },
    scopeMode: s.sandboxScopeMode,
    oauth: { accessTokenTtlSec: s.sandboxOauthTokenTtl, extraRedirects: s.sandboxOauthRedirects ?? [] },
  };
}

/** The sandbox settings from argv and the environment (flags win). */
export function sandboxSettings(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[],
  only?: readonly (keyof SandboxSettings)[],
): { settings: SandboxSettings; help: boolean } {
  return readSettings(
    { faces: ['sandbox'], helpWith: 'g8-mcp-server sandbox --help', ...(only ? { only } : {}) },
    env,
    argv,
  );
}

/** A file path as given, or ':memory:' for a throwaway database. */
export function dbPathOf(text: string): string {
  return text === ':memory:' ? text : resolve(text);
}

/** Serves until SIGINT/SIGTERM, then closes the server and the database so the WAL is checkpointed. */
export async function runSandboxCli(argv: readonly string[]): Promise<void> {
  const { settings, help } = sandboxSettings(process.env, argv);
  if (help) {
    process.stdout.write(sandboxHelpText());
    return;
  }
  const dbPath = dbPathOf(settings.sandboxDb);
  if (settings.sandboxPrintKey) {
    const { readDemoKey } = await loadSandbox();
    process.stdout.write(`${readDemoKey(dbPath)}\n`);
    return;
  }
  const sandbox = await startLocalSandbox({
    port: settings.sandboxPort,
    host: settings.sandboxHost,
    dbPath,
    ...sandboxOptions(settings),
  });
  process.stdout.write(`graph8 sandbox listening on ${sandbox.url}
  API        ${sandbox.url}/api/v1   (OpenAPI: ${sandbox.url}/api/v1/openapi.json)
  dashboard  ${sandbox.url}/
  database   ${dbPath}
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
