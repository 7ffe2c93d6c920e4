/**
 * The README's generated blocks (binding counts, tool table, tools/list sizes, settings) are what
 * the catalogue, its snapshots and the settings table make: `npm run readme` rewrites them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readmeBlocks } from '../../scripts/readme-blocks.js';
import { catalogue } from '../../tools/index.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README: generated blocks', () => {
  for (const b of readmeBlocks()) {
    it(`the "${b.name}" block is current (npm run readme)`, () => {
      expect(README).toContain(b.expected);
    });
  }

  it('the tool table names every tool of the catalogue', () => {
    const tools = readmeBlocks().find((b) => b.name === 'tools')?.expected ?? '';
    const named = new Set(tools.match(/\bg8_[a-z_]+\b/g));
    expect(named).toEqual(
      new Set([...catalogue.shared, ...catalogue.dev, ...catalogue.gtm].map((s) => s.name)),
    );
  });
});
