/**
 * A small parser for the two template syntaxes in step copy: `{{merge_token}}` (optionally
 * `{{token|fallback}}`) and spintax `{Hi|Hello|Hey}`. It never throws: broken syntax becomes a
 * content issue, because a preview should explain a problem rather than refuse to render.
 */

export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'token'; name: string; fallback: string | null; raw: string }
  | { kind: 'spin'; options: string[] };

export interface Parsed {
  segments: Segment[];
  issues: string[];
}

/** Index of the `}` that closes a spin group opened at `start`, skipping `{{…}}` inside it. */
function closeOf(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    if (text.startsWith('{{', i)) {
      const end = text.indexOf('}}', i + 2);
      if (end < 0) return -1;
      i = end + 2;
      continue;
    }
    if (text[i] === '{') return -1; // nested spintax: not supported by the sender either
    if (text[i] === '}') return i;
    i++;
  }
  return -1;
}

/** Splits a spin group body on top-level `|` (pipes inside `{{…}}` are a token's fallback). */
function splitOptions(body: string): string[] {
  const options: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < body.length; i++) {
    if (body.startsWith('{{', i)) {
      depth++;
      current += '{{';
      i++;
    } else if (body.startsWith('}}', i) && depth > 0) {
      depth--;
      current += '}}';
      i++;
    } else if (body[i] === '|' && depth === 0) {
      options.push(current);
      current = '';
    } else {
      current += body[i];
    }
  }
  options.push(current);
  return options;
}

export function parseTemplate(text: string): Parsed {
  const segments: Segment[] = [];
  const issues: string[] = [];
  let buffer = '';
  const flush = () => {
    if (buffer !== '') segments.push({ kind: 'text', text: buffer });
    buffer = '';
  };
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('{{', i)) {
      const end = text.indexOf('}}', i + 2);
      if (end < 0) {
        issues.push('Unclosed merge token "{{"');
        buffer += text.slice(i);
        break;
      }
      flush();
      const inner = text.slice(i + 2, end);
      const pipe = inner.indexOf('|');
      const name = (pipe < 0 ? inner : inner.slice(0, pipe)).trim().toLowerCase();
      const fallback = pipe < 0 ? null : inner.slice(pipe + 1).trim();
      segments.push({ kind: 'token', name, fallback, raw: text.slice(i, end + 2) });
      i = end + 2;
      continue;
    }
    if (text[i] === '{') {
      const end = closeOf(text, i);
      if (end < 0) {
        issues.push('Unbalanced or nested spintax braces');
        buffer += text[i];
        i++;
        continue;
      }
      const body = text.slice(i + 1, end);
      const options = splitOptions(body);
      if (options.length < 2) {
        issues.push(
          `Single-brace placeholder {${body}}: merge tokens use double braces ({{${body.trim()}}})`,
        );
        buffer += text.slice(i, end + 1);
      } else {
        flush();
        segments.push({ kind: 'spin', options });
      }
      i = end + 1;
      continue;
    }
    if (text[i] === '}' && !text.startsWith('}}', i)) issues.push('Unbalanced "}" in copy');
    buffer += text[i];
    i++;
  }
  flush();
  return { segments, issues };
}

/** True when the text contains at least one real spin group (what ON_DEMAND steps may not hold). */
export function hasSpintax(text: string): boolean {
  return parseTemplate(text).segments.some((s) => s.kind === 'spin');
}

/** Option counts of every spin group, in order. */
export function spinCounts(parsed: Parsed): number[] {
  return parsed.segments.flatMap((s) => (s.kind === 'spin' ? [s.options.length] : []));
}
