/**
 * Every failure, printed once on stderr: an API failure as the MCP tools word it (message, fields,
 * missing scope, hint, request id), a CLI failure as its message and hint; with --json, as JSON.
 * Returns the exit code the failure's kind carries.
 */

import { ConfigError, G8Error, internalRequestId } from '../platform/errors.js';
import type { ToolErrorBody } from '../runtime/errors/body.js';
import { ApiFailure } from './call.js';
import { commandName } from './commands.js';
import { EXIT_FAILED, EXIT_USAGE } from './errors.js';
import type { Io } from './io.js';

export const EXIT_INTERRUPTED = 130;

/** The hint names MCP tools; on a terminal, the commands that run them (`g8_get_contact` → `g8 get-contact`). */
function asCommands(hint: string): string {
  return hint.replace(/`(g8_[a-z0-9_]+)`/g, (_, tool: string) => `\`g8 ${commandName(tool)}\``);
}

function apiFailureText(body: ToolErrorBody): string {
  const lines = [`g8: ${body.message}${body.status ? ` (HTTP ${body.status})` : ''}`];
  for (const f of body.fields ?? []) lines.push(`  ${f.field || '-'}: ${f.message}`);
  if (body.required_scope) lines.push(`missing scope: ${body.required_scope}`);
  if (body.hint) lines.push(`hint: ${asCommands(body.hint)}`);
  if (body.request_id) lines.push(`request id: ${body.request_id}`);
  return `${lines.join('\n')}\n`;
}

export function report(io: Io, error: unknown, jsonErrors: boolean, interrupted: boolean): number {
  if (interrupted) {
    io.err('\ng8: cancelled\n');
    return EXIT_INTERRUPTED;
  }
  if (error instanceof ApiFailure) {
    io.err(jsonErrors ? `${JSON.stringify({ error: error.body })}\n` : apiFailureText(error.body));
    return error.exitCode;
  }
  if (error instanceof G8Error) {
    // On g8's command line a setting (--mode, G8_MCP_MODE) is the user's input: a usage error.
    const exitCode = error instanceof ConfigError ? EXIT_USAGE : error.exitCode;
    if (jsonErrors) {
      const kind = exitCode === EXIT_USAGE ? 'usage_error' : 'failed';
      io.err(
        `${JSON.stringify({ error: { type: kind, message: error.message, hint: error.hint ?? null } })}\n`,
      );
    } else io.err(`g8: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`);
    return exitCode;
  }
  // A bug: the id and the stack, so a report can say what happened.
  const requestId = internalRequestId();
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (jsonErrors) {
    io.err(
      `${JSON.stringify({ error: { type: 'internal_error', message: `internal error, request id ${requestId}`, hint: 'Report it with this output.' } })}\n`,
    );
  }
  io.err(`g8: internal error, request id ${requestId} (report it with what follows)\n${stack}\n`);
  return EXIT_FAILED;
}
