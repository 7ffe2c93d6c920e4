#!/usr/bin/env node
import { SelectionError } from './catalogue/select.js';
/** Dispatch: stdio (default) | sandbox | demo | --help | --version. Heavy modes load lazily. */
import { ConfigError, loadConfig } from './config.js';
import { helpText } from './help.js';
import { runStdio, StartupError } from './stdio.js';
import { VERSION } from './version.js';

function fail(message: string, code: number): never {
  process.stderr.write(`g8-mcp-server: ${message}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(helpText());
    return;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  if (first === 'sandbox') {
    const { runSandboxCli } = await import('./sandbox/index.js');
    await runSandboxCli(rest);
    return;
  }
  if (first === 'demo') {
    const { runDemo } = await import('./demo.js');
    await runDemo(rest);
    return;
  }
  if (argv.includes('--http')) {
    fail('remote mode (--http) is not available in this version yet; use stdio.', 2);
  }
  await runStdio(loadConfig(process.env, argv));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof SelectionError || error instanceof StartupError) {
    fail(error.message, 1);
  }
  fail(`unexpected error: ${error instanceof Error ? error.message : String(error)}`, 1);
});
