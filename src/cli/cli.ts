/**
 * The dispatcher: global options, then the mode (which decides what command names mean), then a
 * utility command or a tool command. Every failure ends in report(), printed once on stderr with
 * the exit code its kind carries.
 */
import type { Mode } from '../catalogue/types.js';
import { type Config, loadConfig } from '../config/load.js';
import { ConfigError } from '../platform/errors.js';
import { VERSION } from '../platform/version.js';
import { type Arity, singleValue, switchValue, tokenize } from './argv.js';
import { findCommand, hasModeField, modesWith, suggestCommand } from './commands.js';
import { EXIT_OK, UsageError } from './errors.js';
import { topHelp } from './help.js';
import { type Io, processIo } from './io.js';
import { EXIT_INTERRUPTED, report } from './report.js';
import { type GlobalSwitches, runCommand } from './run-command.js';
import { isUtility, runUtility } from './utilities.js';

const GLOBAL_ARITY: Readonly<Record<string, Arity>> = {
  json: 'switch',
  yes: 'switch',
  help: 'switch',
  version: 'switch',
  mode: 'value',
  'api-url': 'value',
};
const SHORT = { y: 'yes', h: 'help', v: 'version', V: 'version' };

interface Globals extends GlobalSwitches {
  mode?: string | undefined;
  apiUrl?: string | undefined;
}

/** Takes `--name value` / `--name=value` out of a command's args (before any `--`). */
function extractOption(args: string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') break;
    let found: string | undefined;
    if (arg === `--${name}`) {
      found = args[i + 1];
      if (found === undefined) throw new UsageError(`--${name} needs a value`);
      args.splice(i, 2);
    } else if (arg.startsWith(`--${name}=`)) {
      found = arg.slice(name.length + 3);
      args.splice(i, 1);
    } else continue;
    if (value !== undefined) throw new UsageError(`--${name} was given twice; give it once`);
    value = found;
    i--;
  }
  return value;
}

function configFor(env: NodeJS.ProcessEnv, globals: Globals): Config {
  const flags = [
    ...(globals.mode !== undefined ? ['--mode', globals.mode] : []),
    ...(globals.apiUrl !== undefined ? ['--api-url', globals.apiUrl] : []),
  ];
  try {
    return loadConfig(env, flags);
  } catch (error) {
    if (error instanceof ConfigError)
      throw new UsageError(error.message.replace('G8_MCP_MODE', 'mode (--mode / G8_MCP_MODE)'));
    throw error;
  }
}

async function dispatch(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: Io,
  signal: AbortSignal,
  state: { jsonErrors: boolean },
) {
  const pre = tokenize(argv, { arity: (n) => GLOBAL_ARITY[n], short: SHORT, stopAtPositional: true });
  if (pre.unknown.length) {
    throw new UsageError(
      `unknown option ${pre.unknown[0]} before the command`,
      'Before a command: --mode, --api-url, --json, --yes, --help, --version. Command flags go after the command name.',
    );
  }
  const globals: Globals = {
    json: switchValue(pre, 'json'),
    yes: switchValue(pre, 'yes'),
    help: switchValue(pre, 'help'),
    mode: singleValue(pre, 'mode'),
    apiUrl: singleValue(pre, 'api-url'),
  };
  state.jsonErrors = globals.json === true || argv.includes('--json');
  if (switchValue(pre, 'version')) {
    io.out(`${VERSION}\n`);
    return;
  }
  let [word, ...args] = pre.rest;
  if (word === 'help') {
    [word, ...args] = args;
    globals.help = true;
  }
  if (word === 'version') {
    io.out(`${VERSION}\n`);
    return;
  }
  const early = configFor(env, globals);
  if (word === undefined) {
    if (globals.help) {
      io.out(topHelp(early.mode as Mode, Math.min(io.columns, 100)));
      return;
    }
    io.err(topHelp(early.mode as Mode, Math.min(io.columns, 100)));
    throw new UsageError(
      'no command given',
      'Pick one of the commands above, e.g. g8 search-contacts --limit 5',
    );
  }

  // `--mode` after the command is the global mode unless the tool has a `mode` field of its own.
  const first = findCommand(early.mode as Mode, word);
  if (!first || !hasModeField(first)) globals.mode = extractOption(args, 'mode') ?? globals.mode;
  globals.apiUrl = extractOption(args, 'api-url') ?? globals.apiUrl;
  const config = configFor(env, globals);
  const mode = config.mode as Mode;

  if (isUtility(word)) {
    await runUtility(word, args, { io, env, config, mode, help: globals.help, json: globals.json });
    return;
  }

  const command = findCommand(mode, word);
  if (!command) {
    const elsewhere = modesWith(word);
    if (elsewhere.length) {
      throw new UsageError(
        `g8 ${word} is not a command in mode ${mode}`,
        `It exists in mode ${elsewhere.join(' and ')}: add --mode ${elsewhere[0]} (or set G8_MCP_MODE).`,
      );
    }
    const guess = suggestCommand(mode, word);
    throw new UsageError(
      `unknown command "${word}"${guess ? ` (did you mean ${guess}?)` : ''}`,
      'Run g8 --help or g8 tools for the commands.',
    );
  }
  await runCommand(command, args, { io, env, config, globals, signal });
}

export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const io = processIo(env.G8_API_KEY?.trim());
  const controller = new AbortController();
  // First Ctrl-C cancels the call in flight (and says so); a second one leaves at once.
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const state = { jsonErrors: false };
  try {
    await dispatch(argv, env, io, controller.signal, state);
    return EXIT_OK;
  } catch (error) {
    return report(io, error, state.jsonErrors, controller.signal.aborted);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
