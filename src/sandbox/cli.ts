/**
 * `g8-mcp-server sandbox [--port 8808] [--host H] [--db PATH] [--print-key]`. argv is what
 * follows the `sandbox` word. Serves until SIGINT/SIGTERM, then closes the server and the
 * database so the WAL is checkpointed.
 */
import { resolve } from 'node:path';
import { StartupError } from './options.js';

/** Bad flags; the entry point prints the message and exits 2 (matched by class name). */
export class UsageFailure extends Error {}

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

export async function runSandboxCli(argv: string[]): Promise<void> {
  const args = parseCliArgs(argv);
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const { prepareSandbox, startSandbox } = await import('./index.js');
  if (args.printKey) {
    // No server: open (and on first use seed) the database, read the key, close.
    const { db, demoKey } = prepareSandbox({ dbPath: args.db }, () => {});
    db.close();
    process.stdout.write(`${demoKey}\n`);
    return;
  }
  const sandbox = await startSandbox({ port: args.port, host: args.host, dbPath: args.db });
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

export { StartupError };
