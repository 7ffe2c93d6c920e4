/**
 * The command table: one command per tool of the mode, named from the tool (`g8_search_contacts`
 * → `search-contacts`), plus the short forms graph8 documents for its own `g8` CLI as aliases.
 * Built from the catalogue on every run, so the CLI cannot drift from the MCP server.
 */

import { catalogue } from '../../tools/index.js';
import { type ExposedTool, MODES, toolsForMode } from '../catalogue/select.js';
import type { Mode } from '../catalogue/types.js';
import { closest } from './argv.js';
import { type FlagSpec, flagsFor } from './flags.js';

export interface Command {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly tool: ExposedTool;
  readonly flags: readonly FlagSpec[];
  /** Takes `--wait`: the tool starts a job (its spec's `job`), which the CLI can follow. */
  readonly canWait: boolean;
}

/** graph8's documented `g8` short forms → the catalogue tool they run (mode-independent names). */
export const SHORT_FORMS: Readonly<Record<string, string>> = {
  scan: 'g8_scan_repo',
  'sequence-analytics': 'g8_get_sequence_analytics',
  'inbox-list': 'g8_list_inbox',
  'inbox-draft': 'g8_get_reply_draft',
  'inbox-send': 'g8_send_reply',
  'sync-audience-list': 'g8_list_audience_syncs',
  'sync-audience-trigger': 'g8_trigger_audience_sync',
  'sync-crm-push': 'g8_push_to_crm_contact',
};

/** Per-tool flag aliases; graph8 documents `g8 inbox-list --limit 20`, our field is page_size. */
const FLAG_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  g8_list_inbox: { limit: 'page-size' },
};

/** Names the CLI itself uses; a tool field or command of the same name would be shadowed. */
export const RESERVED_FLAGS = ['json', 'yes', 'help', 'api-url', 'wait'] as const;
export const UTILITY_COMMANDS = ['tools', 'whoami', 'completion', 'audit', 'help', 'version'] as const;

export function commandName(toolName: string): string {
  return toolName.replace(/^g8_/, '').replaceAll('_', '-');
}

const tables = new Map<Mode, Command[]>();

export function commandsFor(mode: Mode): readonly Command[] {
  let table = tables.get(mode);
  if (!table) {
    table = toolsForMode(catalogue, mode).map((tool) => {
      const base = tool.spec.name;
      const aliasesOfTool = FLAG_ALIASES[base] ?? {};
      let flags: readonly FlagSpec[] | undefined;
      return {
        name: commandName(tool.name),
        aliases: Object.entries(SHORT_FORMS)
          .filter(([, target]) => target === base)
          .map(([alias]) => alias),
        tool,
        // Converted on first use: a run touches one command, not all 55 schemas.
        get flags() {
          flags ??= flagsFor(tool.spec, aliasesOfTool);
          return flags;
        },
        canWait: tool.spec.job !== undefined,
      };
    });
    tables.set(mode, table);
  }
  return table;
}

export function findCommand(mode: Mode, word: string): Command | undefined {
  return commandsFor(mode).find((c) => c.name === word || c.aliases.includes(word));
}

/** Modes in which a word names a command, for "not in this mode" errors. */
export function modesWith(word: string): Mode[] {
  return MODES.filter((m) => findCommand(m, word) !== undefined);
}

export function suggestCommand(mode: Mode, word: string): string | undefined {
  const names = commandsFor(mode).flatMap((c) => [c.name, ...c.aliases]);
  return closest(word, [...names, ...UTILITY_COMMANDS]);
}

/** A tool field named `mode` (audience syncs, enrichment) owns `--mode` after its command. */
export function hasModeField(command: Command): boolean {
  return command.flags.some((f) => f.flag === 'mode');
}

/** Tool names in descriptions (`g8_get_reply`) as the commands a CLI user types (`g8 get-reply`). */
export function withCommandNames(text: string): string {
  return text.replace(/\bg8_[a-z_]+\b/g, (name) => `g8 ${commandName(name)}`);
}
