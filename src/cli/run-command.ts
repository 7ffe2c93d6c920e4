/**
 * One tool command from flags to printed result: parse the flags the schema defines, validate,
 * check the key, ask before acting outside graph8, call with a spinner, optionally follow the job,
 * print a table or JSON.
 */
import type { ProgressUpdate } from '../catalogue/types.js';
import type { Config } from '../config/load.js';
import { type Arity, closest, switchValue, tokenize } from './argv.js';
import { validateInput } from './call.js';
import { type Command, RESERVED_FLAGS } from './commands.js';
import { FailedError, UsageError } from './errors.js';
import { arityOf, buildInput, valueHint } from './flags.js';
import { humanView } from './format.js';
import { commandHelp } from './help.js';
import type { Io } from './io.js';
import { confirm, needsConfirmation } from './prompt.js';
import { openApi, requireApiKey } from './session.js';
import { statusLine } from './terminal.js';

export interface GlobalSwitches {
  json?: boolean | undefined;
  yes?: boolean | undefined;
  help?: boolean | undefined;
}

export interface RunContext {
  readonly io: Io;
  readonly env: NodeJS.ProcessEnv;
  readonly config: Config;
  readonly globals: GlobalSwitches;
  readonly signal: AbortSignal;
}

export function printResult(io: Io, structured: Record<string, unknown>, json: boolean): void {
  if (json) io.out(`${JSON.stringify(structured, null, io.stdoutIsTty ? 2 : undefined)}\n`);
  else io.out(humanView(structured, io.columns));
}

export async function runCommand(command: Command, args: readonly string[], ctx: RunContext): Promise<void> {
  const { io } = ctx;
  const arity = new Map<string, Arity>();
  for (const flag of command.flags)
    for (const name of [flag.flag, ...flag.aliases]) arity.set(name, arityOf(flag));
  for (const name of ['json', 'yes', 'help']) arity.set(name, 'switch');
  if (command.canWait) arity.set('wait', 'switch');
  const tokens = tokenize(args, { arity: (n) => arity.get(n), short: { y: 'yes', h: 'help' } });

  if (ctx.globals.help || switchValue(tokens, 'help')) {
    io.out(commandHelp(command, Math.min(io.columns, 100)));
    return;
  }
  if (tokens.unknown.length) {
    const bad = tokens.unknown[0] as string;
    const valid = command.flags.map((f) => `--${f.flag}`);
    const guess = closest(bad.replace(/^-+/, ''), [...arity.keys()]);
    throw new UsageError(
      `unknown flag ${bad} for g8 ${command.name}${guess ? ` (did you mean --${guess}?)` : ''}`,
      valid.length
        ? `Valid flags: ${valid.join(', ')}. Run g8 ${command.name} --help for details.`
        : `g8 ${command.name} takes no flags of its own.`,
    );
  }
  if (tokens.positionals.length) {
    const required = command.flags.filter((f) => f.required);
    const example = required[0] ? ` e.g. --${required[0].flag} ${valueHint(required[0])}` : '';
    throw new UsageError(
      `unexpected argument "${tokens.positionals[0]}": g8 ${command.name} takes flags only${example}`,
      `Run g8 ${command.name} --help for its flags.`,
    );
  }

  const json = ctx.globals.json || switchValue(tokens, 'json') || !io.stdoutIsTty;
  const yes = ctx.globals.yes || switchValue(tokens, 'yes') === true;
  const wait = switchValue(tokens, 'wait') === true;
  const given = new Map(
    [...tokens.options].filter(([name]) => !(RESERVED_FLAGS as readonly string[]).includes(name)),
  );
  const input = validateInput(command.name, command.tool, command.flags, buildInput(command.flags, given));

  const apiKey = requireApiKey(ctx.env, (line) => ctx.io.err(`${line}\n`));
  const { spec } = command.tool;
  if (needsConfirmation(spec, input) && !yes) await confirm(io, command.name, spec, input);

  const api = await openApi(ctx.config);
  const { callTool } = await import('./invoke.js');
  const following = wait && command.canWait && input['dry_run'] !== true;
  // One line on stderr: a spinner after a second, then (with --wait) the job's own progress.
  const status = statusLine(io.stderr, io.stderrIsTty, `g8 ${command.name}`);
  // The message carries the job's state; the numeric fraction is for MCP clients' progress bars.
  const progress = following
    ? async (u: ProgressUpdate) => status.update(u.message ?? `g8 ${command.name}`)
    : undefined;
  let outcome: Awaited<ReturnType<typeof callTool>>;
  try {
    outcome = await callTool(api, apiKey, command.tool, input, ctx.signal, progress);
  } finally {
    status.stop();
    await api.close().catch(() => {});
  }
  printResult(io, outcome.structured, json);
  if (following) checkFollowed(outcome.structured);
}

const SETTLED_OK = 'completed';
const SETTLED_BAD = new Set(['failed', 'cancelled']);

/** A followed job that failed, or is still going when the tool stopped waiting, is not a success. */
function checkFollowed(result: Record<string, unknown>): void {
  const state = result['status'];
  if (state === SETTLED_OK) return;
  const reason = typeof result['error_message'] === 'string' ? `: ${result['error_message']}` : '';
  if (typeof state === 'string' && SETTLED_BAD.has(state))
    throw new FailedError(`The job ended ${state}${reason}`);
  throw new FailedError(
    `Stopped waiting; the job is still ${String(state ?? 'running')}`,
    typeof result['next'] === 'string' ? result['next'] : undefined,
  );
}
