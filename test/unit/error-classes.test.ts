/**
 * The README's error table is the server's: every class with its status, type, retryability and
 * hint, word for word, and nothing else. A class added, dropped or reworded on one side only fails.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CLASSES } from '../../src/runtime/errors/classes.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The rows of the first table after `### Error classes`, as cells. */
function table(): string[][] {
  const section = readme.slice(readme.indexOf('### Error classes'));
  const lines = section.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| Code |'));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    );
  }
  return rows;
}

describe('README error classes', () => {
  const rows = table();

  it('lists every class of the server once, in the same order', () => {
    expect(rows.map((r) => r[0])).toEqual(Object.keys(ERROR_CLASSES).map((c) => `\`${c}\``));
  });

  it.each(Object.entries(ERROR_CLASSES))('%s: status, type, retryable, when and hint match', (code, cls) => {
    const row = rows.find((r) => r[0] === `\`${code}\``);
    expect(row).toEqual([
      `\`${code}\``,
      cls.status,
      `\`${cls.type}\``,
      cls.retryable ? 'yes' : 'no',
      cls.when,
      cls.hint,
    ]);
  });

  it('explains every {part} a hint uses', () => {
    const legend = readme.slice(readme.indexOf('### Error classes'), readme.indexOf('| Code |'));
    const parts = new Set(
      Object.values(ERROR_CLASSES).flatMap((c) => [...c.hint.matchAll(/\{(\w+)\}/g)].map((m) => m[1])),
    );
    for (const part of parts) expect(legend, part).toContain(`\`{${part}}\``);
  });
});
