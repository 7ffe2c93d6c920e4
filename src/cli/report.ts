/**
 * Every failure, printed once on stderr: an API failure as the MCP tools word it (message, fields,
 * missing scope, hint, request id), a CLI failure as its message and hint; with --json, as JSON.
 * Returns the exit code the failure's kind carries.
 */
import { ApiError } from '../api/errors.js';
import { SelectionError } from '../catalogue/select.js';
import { ConfigError } from '../config.js';
import type { ToolErrorBody } from '../mcp/result.js';
import { ApiFailure } from './call.js';
import { commandName } from './commands.js';
import { CliError, EXIT_FAILED, EXIT_USAGE } from './errors.js';
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
  if (error instanceof CliError) {
    if (jsonErrors) {
      const kind = error.exitCode === EXIT_USAGE ? 'usage_error' : 'failed';
      io.err(
        `${JSON.stringify({ error: { type: kind, message: error.message, hint: error.hint ?? null } })}\n`,
      );
    } else io.err(`g8: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`);
    return error.exitCode;
  }
  if (error instanceof SelectionError || error instanceof ConfigError) {
    io.err(`g8: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof ApiError) {
    io.err(`g8: ${error.message}\n`);
    return EXIT_FAILED;
  }
  io.err(`g8: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT_FAILED;
}
