/**
 * The human view of a result: a table for lists, aligned key/value lines for one record, nested
 * lists of records as sub-tables. JSON stays the machine view; this one only has to read well.
 */

type Row = Record<string, unknown>;

const MAX_CELL = 36;

function isRecord(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): boolean {
  return value === null || value === undefined || typeof value !== 'object';
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\s+/g, ' ').trim();
  if (Array.isArray(value) && value.every(isScalar)) return value.map(cell).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(1, width - 1))}…`;
}

/** Columns that fit the terminal, id first; the rest are named in a footer so nothing is silently hidden. */
export function table(rows: readonly unknown[], width: number): string {
  const records = rows.map((r) => (isRecord(r) ? r : { value: r }));
  if (records.length === 0) return '(none)\n';
  const keys: string[] = [];
  for (const record of records.slice(0, 50)) {
    for (const key of Object.keys(record)) if (!keys.includes(key)) keys.push(key);
  }
  const ordered = keys.includes('id') ? ['id', ...keys.filter((k) => k !== 'id')] : keys;
  // Columns that are empty everywhere, or hold only nested records, say nothing in a table.
  const useful = ordered.filter((key) =>
    records.some((r) => r[key] !== null && r[key] !== undefined && r[key] !== '' && !isRecord(r[key])),
  );
  const texts = records.map((r) => useful.map((key) => cell(r[key])));
  const shown: { key: string; index: number; width: number }[] = [];
  let used = 0;
  useful.forEach((key, index) => {
    const natural = Math.min(MAX_CELL, Math.max(key.length, ...texts.map((t) => (t[index] ?? '').length)));
    const w = Math.max(key.length, natural);
    if (used + w + (shown.length ? 2 : 0) <= width) {
      shown.push({ key, index, width: w });
      used += w + (shown.length > 1 ? 2 : 0);
    }
  });
  const line = (values: string[]) =>
    shown
      .map((col, i) => {
        const text = clip(values[i] ?? '', col.width);
        return i === shown.length - 1 ? text : text.padEnd(col.width);
      })
      .join('  ')
      .trimEnd();
  const out = [line(shown.map((c) => c.key.toUpperCase()))];
  for (const t of texts) out.push(line(shown.map((c) => t[c.index] ?? '')));
  const hidden = useful.length - shown.length;
  if (hidden > 0) out.push(`(${hidden} more field${hidden === 1 ? '' : 's'} not shown; use --json)`);
  return `${out.join('\n')}\n`;
}

/** `page 1 of 8 · 200 total` from the contract's pagination object, when it has the parts. */
function paginationLine(pagination: unknown): string | undefined {
  if (!isRecord(pagination)) return undefined;
  const parts: string[] = [];
  const { page, total_pages, total, has_next } = pagination as Row;
  if (typeof page === 'number')
    parts.push(typeof total_pages === 'number' ? `page ${page} of ${total_pages}` : `page ${page}`);
  if (typeof total === 'number') parts.push(`${total} total`);
  if (has_next === true) parts.push('more with --page');
  return parts.length ? parts.join(' · ') : undefined;
}

function keyValues(record: Row, width: number, indent = ''): string {
  const flat: [string, string][] = [];
  const sections: string[] = [];
  const walk = (obj: Row, prefix: string, depth: number) => {
    for (const [key, value] of Object.entries(obj)) {
      const name = prefix + key;
      // Empty fields are noise in a reading view; --json shows every field.
      if (value === null || value === undefined) continue;
      if (isRecord(value) && depth < 2 && Object.keys(value).length > 0) walk(value, `${name}.`, depth + 1);
      else if (Array.isArray(value) && value.length > 0 && value.some(isRecord)) {
        sections.push(
          `${indent}${name} (${value.length}):\n${indentLines(table(value, width - 2), `${indent}  `)}`,
        );
      } else if (Array.isArray(value) && value.length === 0) flat.push([name, '(none)']);
      else flat.push([name, typeof value === 'string' ? value : cell(value)]);
    }
  };
  walk(record, '', 0);
  const keyWidth = Math.min(28, Math.max(0, ...flat.map(([k]) => k.length)));
  const lines = flat.map(([k, v]) => {
    const pad = `${indent}${' '.repeat(keyWidth + 2)}`;
    const body = v.split('\n').join(`\n${pad}`);
    return `${indent}${k.padEnd(keyWidth)}  ${body}`.trimEnd();
  });
  return `${[lines.join('\n'), ...sections].filter(Boolean).join('\n\n')}\n`;
}

function indentLines(text: string, indent: string): string {
  return text
    .split('\n')
    .map((l) => (l ? indent + l : l))
    .join('\n');
}

/** The human view of a tool's structured result (`{items, pagination}` or a record). */
export function humanView(structured: Row, width: number): string {
  const { items, pagination, ...rest } = structured;
  if (Array.isArray(items)) {
    const footer = paginationLine(pagination);
    const extra = Object.keys(rest).length ? `\n${keyValues(rest, width)}` : '';
    return table(items, width) + (footer ? `${footer}\n` : '') + extra;
  }
  if ('result' in structured && Object.keys(structured).length === 1) return `${cell(structured.result)}\n`;
  return keyValues(structured, width);
}
