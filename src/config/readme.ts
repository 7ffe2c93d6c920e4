/**
 * The README's generated blocks: `<!-- name:begin … -->` … `<!-- name:end -->`. `npm run readme`
 * rewrites them (scripts/readme.mjs); tests fail while the README differs from what the tables
 * make. This file renders the settings table.
 */
import { rowsOf } from './parse.js';
import type { Face } from './settings.js';

const FACE_WORDS: Record<Face, string> = { stdio: 'stdio', remote: 'remote', cli: 'g8', sandbox: 'sandbox' };

function code(text: string | undefined): string {
  return text === undefined ? '—' : `\`${text}\``;
}

function shown(text: string): string {
  return text.startsWith('(') ? `*${text}*` : `\`${text}\``;
}

export function settingsTable(): string {
  const lines = ['| Variable | Flag | Default | Used by | Meaning |', '|---|---|---|---|---|'];
  for (const [, r] of rowsOf(['stdio', 'remote', 'cli', 'sandbox'])) {
    const faces = r.faces.map((f) => FACE_WORDS[f]).join(', ');
    const doc = (r.doc ?? `${r.help}.`).replaceAll('|', '\\|');
    lines.push(`| ${code(r.env)} | ${code(r.flag)} | ${shown(r.shown)} | ${faces} | ${doc} |`);
  }
  return lines.join('\n');
}

const begin = (name: string) => `<!-- ${name}:begin (generated: npm run readme) -->`;
const end = (name: string) => `<!-- ${name}:end -->`;

/** `content` inside its markers, as the README holds it. */
export function block(name: string, content: string, inline = false): string {
  return inline ? `${begin(name)}${content}${end(name)}` : `${begin(name)}\n${content}\n${end(name)}`;
}

/** `text` with the block `name` replaced by `content`. */
export function replaceBlock(text: string, name: string, content: string, inline = false): string {
  const start = text.indexOf(begin(name));
  const stop = text.indexOf(end(name));
  if (start === -1 || stop === -1) throw new Error(`README.md lacks the markers of the "${name}" block`);
  return text.slice(0, start) + block(name, content, inline) + text.slice(stop + end(name).length);
}
