/**
 * The confirmation gate for commands that delete, spend credits or reach outside graph8 — the
 * same rule and the same one-line summary the MCP server uses (src/mcp/confirm.ts). On a terminal
 * it asks; anywhere else it refuses unless --yes was given, so a script can neither hang on a
 * question nobody sees nor act without being told to.
 */
import { createInterface } from 'node:readline';
import type { ToolSpec } from '../catalogue/types.js';
import { isDryRun, isGated, summarize } from '../runtime/confirm.js';
import { FailedError, UsageError } from './errors.js';
import type { Io } from './io.js';

/** Whether a tool asks before acting at all (help text); a dry run never asks. */
export function isConfirmed(spec: ToolSpec): boolean {
  return isGated(spec, 'auto');
}

export function needsConfirmation(spec: ToolSpec, input: Readonly<Record<string, unknown>>): boolean {
  return isGated(spec, 'auto') && !isDryRun(input);
}

export async function confirm(
  io: Io,
  command: string,
  spec: ToolSpec,
  input: Readonly<Record<string, unknown>>,
): Promise<void> {
  const summary = summarize(`g8 ${command}`, spec, input);
  const dryRun = 'dry_run' in spec.input.shape ? ', or --dry-run to preview it' : '';
  if (!io.stdinIsTty || !io.stderrIsTty) {
    throw new UsageError(
      `${summary} There is no terminal to confirm it on.`,
      `Pass --yes to run it without asking${dryRun}.`,
    );
  }
  io.err(`${summary}\n`);
  const answer = await ask(io, 'Proceed? [y/N] ');
  if (!/^y(es)?$/i.test(answer.trim())) {
    throw new FailedError('Cancelled; nothing was sent.');
  }
}

function ask(io: Io, question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: true });
    let answered = false;
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
    // Ctrl-C, Ctrl-D or a closed terminal is a "no", never a hang.
    rl.on('SIGINT', () => rl.close());
    rl.on('close', () => {
      if (!answered) {
        io.err('\n');
        resolve('');
      }
    });
  });
}
