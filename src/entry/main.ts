#!/usr/bin/env node
/**
 * Dispatch: stdio (default) | sandbox | demo | migrate-state | --help | --version. Each branch imports only what
 * it needs, so a desktop client spawning the stdio server never loads the sandbox (the separate g8-sandbox
 * package), SQLite or the HTTP side.
 */
import module from 'node:module';
import { setV8Flags, YOUNG_GENERATION_FIXED } from '../platform/v8-flags.js';

// Node ≥ 22.1 keeps V8's compiled code of what loads next between starts (in os.tmpdir()), which
// spares every later stdio start the compilation of the SDK and zod. Node 20 has no such cache.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

function fail(message: string, code: number): never {
  process.stderr.write(`g8-mcp-server: ${message}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    const { helpText } = await import('../config/help.js');
    process.stdout.write(helpText());
    return;
  }
  if (first === '--version' || first === '-v') {
    const { VERSION } = await import('../platform/version.js');
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  if (first === 'sandbox') {
    const { runSandboxCli } = await import('./sandbox.js');
    await runSandboxCli(rest);
    return;
  }
  if (first === 'demo') {
    const { runDemo } = await import('./demo.js');
    await runDemo(rest);
    return;
  }
  if (first === 'migrate-state') {
    const { runMigrateState } = await import('./migrate-state.js');
    await runMigrateState(rest);
    return;
  }
  if (argv.includes('--http')) {
    // Remote mode's modules load with the young generation held at its initial size (idle RSS
    // ~80 MB instead of ~92–96); runHttp lets it grow again once listening, for load.
    await setV8Flags(YOUNG_GENERATION_FIXED);
    const { runHttp } = await import('./http.js');
    await runHttp(argv);
    return;
  }
  // A stdio server serves one client, one request at a time: see src/v8-flags.ts for why these two.
  await setV8Flags(YOUNG_GENERATION_FIXED, '--liftoff-only');
  const [{ loadConfig }, { runStdio }] = await Promise.all([
    import('../config/load.js'),
    import('./stdio.js'),
  ]);
  await runStdio(loadConfig(process.env, argv));
}

main(process.argv.slice(2)).catch(async (error: unknown) => {
  const { G8Error, internalRequestId } = await import('../platform/errors.js');
  // What this code expects (a bad setting, an unreachable engine, a wrong flag): its one line.
  if (error instanceof G8Error) fail(error.message, error.exitCode);
  // A bug: the stack goes to stderr (the log) under an id the user can report.
  const requestId = internalRequestId();
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`${stack}\n`);
  fail(`internal error, request id ${requestId} (the stack above; please report it)`, 1);
});
