/**
 * `--help` text, generated from the command table: the top level lists every command of the mode
 * by toolset; a command's help lists its flags from the schema (type, choices, default, required).
 */
import { TOOLSETS } from '../catalogue/select.js';
import type { Mode } from '../catalogue/types.js';
import { VERSION } from '../platform/version.js';
import { type Command, commandsFor, hasModeField, SHORT_FORMS, withCommandNames } from './commands.js';
import { type FlagSpec, valueHint } from './flags.js';
import { isConfirmed } from './prompt.js';

export function wrap(text: string, width: number, indent: string): string {
  const words: string[] = [];
  // `g8 get-reply` stays on one line: a command name split over two reads as two words.
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (words[words.length - 1] === 'g8') words[words.length - 1] = `g8 ${word}`;
    else words.push(word);
  }
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

export const GLOBAL_FLAGS: readonly (readonly [string, string])[] = [
  ['--json', 'Print JSON (the default when stdout is not a terminal)'],
  ['--yes, -y', 'Do not ask before commands that delete, spend credits or reach outside graph8'],
  ['--mode dev|gtm|all', 'Command set, as the MCP server (G8_MCP_MODE; default all)'],
  ['--api-url URL', 'API origin (G8_API_URL; default https://be.graph8.com)'],
  ['--help, -h', 'Help for g8 or for one command'],
];

export function topHelp(mode: Mode, width: number): string {
  const commands = commandsFor(mode);
  const nameWidth = Math.max(...commands.map((c) => c.name.length)) + 2;
  const groups = TOOLSETS.map((set) => {
    const inSet = commands.filter((c) => c.tool.spec.toolset === set);
    if (!inSet.length) return '';
    const rows = inSet.map((c) => `    ${c.name.padEnd(nameWidth)}${c.tool.spec.title}`);
    return `  ${set}\n${rows.join('\n')}`;
  }).filter(Boolean);
  const shortForms = Object.entries(SHORT_FORMS)
    .filter(([alias]) => commands.some((c) => c.aliases.includes(alias)))
    .map(([alias, tool]) => `${alias} = ${commands.find((c) => c.tool.spec.name === tool)?.name ?? tool}`);
  const globals = GLOBAL_FLAGS.map(([flag, help]) => `  ${flag.padEnd(22)}${help}`).join('\n');
  return `g8 ${VERSION} — the graph8 go-to-market API from the command line

Usage:
  g8 <command> [--flag value …]     run one tool of the catalogue
  g8 <command> --help               its flags
  g8 tools [--mode dev|gtm|all]     list the commands with tier and scope
  g8 whoami                         the key's org, scopes and what it cannot run
  g8 audit [--since 24h] [--tool …] what agents did in the org (a remote server's audit trail)
  g8 completion bash|zsh            shell completion script
  g8 --version

Commands (mode ${mode}, ${commands.length}):
${groups.join('\n')}

Short forms:
${wrap(shortForms.join(', '), width, '  ')}

Flags of every command:
${globals}

Flag values: arrays repeat the flag or take a JSON array (numbers also a comma list); objects take
JSON or key=value (repeatable); @file reads a value from a file, @- from stdin.

Environment: G8_API_KEY (required for calls; never printed), G8_API_URL, G8_MCP_MODE, G8_TIMEOUT_MS.
Exit codes: 0 success, 1 the API refused or the call did not complete, 2 usage error (nothing sent).
`;
}

function flagLine(flag: FlagSpec, width: number): string {
  const hint = valueHint(flag);
  const names = [flag.flag, ...flag.aliases].map((n) => `--${n}`).join(', ');
  const left = `  ${names}${hint ? ` ${hint}` : ''}`;
  const notes: string[] = [];
  if (flag.required) notes.push('required');
  if (flag.kind === 'boolean') {
    // A switch that defaults to off needs no note; one that defaults to on needs its off form.
    if (flag.default === true) notes.push(`on by default; --no-${flag.flag} turns it off`);
  } else if (flag.default !== undefined && !(Array.isArray(flag.default) && flag.default.length === 0)) {
    notes.push(`default ${typeof flag.default === 'string' ? flag.default : JSON.stringify(flag.default)}`);
  }
  if (flag.kind === 'array') notes.push('repeatable');
  const text = `${flag.description}${notes.length ? ` (${notes.join('; ')})` : ''}`;
  if (left.length <= 30) return `${left.padEnd(32)}${wrap(text, width, ' '.repeat(32)).trimStart()}`;
  return `${left}\n${wrap(text, width, ' '.repeat(32))}`;
}

export function commandHelp(command: Command, width: number): string {
  const { spec } = command.tool;
  const required = command.flags.filter((f) => f.required);
  const usage = [
    `g8 ${command.name}`,
    ...required.map((f) => `--${f.flag} ${valueHint(f)}`.trimEnd()),
    command.flags.length > required.length ? '[flags]' : '',
    isConfirmed(spec) ? '[--yes]' : '',
    command.canWait ? '[--wait]' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const tierNote = isConfirmed(spec)
    ? `${spec.tier}: asks for confirmation on a terminal; --yes skips it (required when not on a terminal)`
    : spec.tier;
  const toolLine = `Tool: ${command.tool.name} · scope ${spec.scope}${spec.alsoNeeds ? ` (+ ${spec.alsoNeeds.join(', ')})` : ''} · ${tierNote}`;
  const flags = command.flags.map((f) => flagLine(f, width));
  if (command.canWait)
    flags.push(`${'  --wait'.padEnd(32)}Follow the started job until it finishes, with progress`);
  return `g8 ${command.name} — ${spec.title}
${wrap(withCommandNames(spec.description), width, '  ')}

Usage: ${usage}
${command.aliases.length ? `Also: ${command.aliases.map((a) => `g8 ${a}`).join(', ')}\n` : ''}${wrap(toolLine, width, '').replaceAll('\n', '\n  ')}

Flags:
${flags.length ? flags.join('\n') : '  (none)'}

${
  hasModeField(command)
    ? "Also: --json, --yes, --api-url, --help. Here --mode is this command's own flag: give the global\n--mode before the command (g8 --mode dev …)."
    : 'Also: --json, --yes, --mode, --api-url, --help (see g8 --help).'
}
`;
}
