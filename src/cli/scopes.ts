/** Which commands a key's scopes reach, by the rule the MCP server filters its tool list with. */
import { scopeAllows as grants } from '../catalogue/scopes.js';
import type { Command } from './commands.js';

export interface ScopeGap {
  readonly command: string;
  readonly tool: string;
  /** Scopes the key lacks: the command's own first, then those of its follow-up calls. */
  readonly missing: readonly string[];
  /** True when only follow-up calls are affected: the command runs, some options fail. */
  readonly partial: boolean;
}

export function scopeGaps(commands: readonly Command[], scopes: readonly string[]): ScopeGap[] {
  const gaps: ScopeGap[] = [];
  for (const command of commands) {
    const { spec } = command.tool;
    const needed = [spec.scope, ...(spec.alsoNeeds ?? [])];
    const missing = needed.filter((scope) => !grants(scopes, scope));
    if (missing.length === 0) continue;
    gaps.push({
      command: command.name,
      tool: command.tool.name,
      missing,
      partial: grants(scopes, spec.scope),
    });
  }
  return gaps;
}
