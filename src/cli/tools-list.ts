/** `g8 tools`: the catalogue of the mode as commands, with the tier and scope each needs. */
import type { Mode } from '../catalogue/types.js';
import { commandsFor } from './commands.js';
import { table } from './format.js';
import type { Io } from './io.js';

export function listTools(io: Io, mode: Mode, json: boolean): void {
  const rows = commandsFor(mode).map((c) => ({
    command: c.name,
    aliases: c.aliases,
    tool: c.tool.name,
    title: c.tool.spec.title,
    toolset: c.tool.spec.toolset,
    tier: c.tool.spec.tier,
    scope: c.tool.spec.scope,
  }));
  if (json) {
    io.out(`${JSON.stringify({ mode, count: rows.length, items: rows })}\n`);
    return;
  }
  const view = rows.map((r) => ({
    command: r.aliases.length ? `${r.command} (${r.aliases.join(', ')})` : r.command,
    tier: r.tier,
    scope: r.scope,
    title: r.title,
  }));
  io.out(
    `${table(view, io.columns)}${rows.length} commands in mode ${mode}; g8 <command> --help for flags.\n`,
  );
}
