/** The README's Tools section says what the server serves: every tool, the counts, the list sizes. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MODES } from '../../src/catalogue/select.js';
import { catalogue } from '../../tools/index.js';
import { listTools } from '../helpers/catalogue-list.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  expect(start, `README has a "## ${title}" section`).toBeGreaterThan(0);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

const specs = [...catalogue.shared, ...catalogue.dev, ...catalogue.gtm];

describe('README: Tools', () => {
  it('the tool table names every tool of the catalogue, and nothing else', () => {
    const table = section('Tools')
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| Group') && !line.startsWith('| Mode'));
    const named = new Set(table.flatMap((line) => line.match(/\bg8_[a-z_]+\b/g) ?? []));
    expect(named).toEqual(new Set(specs.map((s) => s.name)));
  });

  it('the opening counts the bindings as the catalogue holds them', () => {
    const m = /\*\*(\d+) tool bindings\*\* \((\d+) shared, (\d+) developer-mode,\s+(\d+) GTM-mode\)/.exec(
      README,
    );
    expect(m, 'the opening states the binding counts').not.toBeNull();
    expect(m!.slice(1).map(Number)).toEqual([
      specs.length,
      catalogue.shared.length,
      catalogue.dev.length,
      catalogue.gtm.length,
    ]);
  });

  it('the size table has the tool counts tools/list returns, and sizes within 2% of it', async () => {
    const tokens = (tools: unknown[]) => Math.ceil(JSON.stringify({ tools }).length / 4);
    for (const mode of MODES) {
      const row = new RegExp(`^\\| ${mode} \\| (\\d+) \\| ([\\d,]+) \\| (\\d+) \\| ([\\d,]+) \\|$`, 'm').exec(
        section('Tools'),
      );
      expect(row, `size row for ${mode}`).not.toBeNull();
      const [offCount, offTokens, onCount, onTokens] = row!
        .slice(1)
        .map((v) => Number(v.replaceAll(',', '')));
      const off = await listTools(mode, false);
      const on = await listTools(mode, true);
      expect([offCount, onCount], mode).toEqual([off.length, on.length]);
      expect(Math.abs(offTokens! - tokens(off)) / tokens(off), `${mode} off`).toBeLessThan(0.02);
      expect(Math.abs(onTokens! - tokens(on)) / tokens(on), `${mode} on`).toBeLessThan(0.02);
    }
  });
});
