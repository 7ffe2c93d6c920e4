/**
 * The README's settings table, rendered from the settings table. `npm run settings:readme` writes
 * it between the markers; test/unit/settings-table.test.ts fails when the README has drifted.
 */
import { rowsOf } from './parse.js';
import type { Face } from './settings.js';

export const BEGIN =
  '<!-- settings:begin (generated from src/config/settings.ts: npm run settings:readme) -->';
export const END = '<!-- settings:end -->';

const FACE_WORDS: Record<Face, string> = { stdio: 'stdio', remote: 'remote', cli: 'g8', sandbox: 'sandbox' };

function code(text: string | undefined): string {
  return text === undefined ? '—' : `\`${text}\``;
}

function shown(text: string): string {
  return text.startsWith('(') ? `*${text}*` : `\`${text}\``;
}

export function readmeTable(): string {
  const lines = ['| Variable | Flag | Default | Used by | Meaning |', '|---|---|---|---|---|'];
  for (const [, r] of rowsOf(['stdio', 'remote', 'cli', 'sandbox'])) {
    const faces = r.faces.map((f) => FACE_WORDS[f]).join(', ');
    const doc = (r.doc ?? `${r.help}.`).replaceAll('|', '\\|');
    lines.push(`| ${code(r.env)} | ${code(r.flag)} | ${shown(r.shown)} | ${faces} | ${doc} |`);
  }
  return `${BEGIN}\n${lines.join('\n')}\n${END}`;
}

/** `readme` with its generated block replaced by the current table. */
export function withTable(readme: string): string {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`README.md lacks the markers ${BEGIN} … ${END}`);
  return readme.slice(0, start) + readmeTable() + readme.slice(end + END.length);
}
