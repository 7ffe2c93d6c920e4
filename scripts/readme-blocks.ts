/**
 * Every generated block of the README and what fills it: shared by `npm run readme`
 * (scripts/readme.mjs, which writes them) and test/unit/readme-generated.test.ts (which checks them).
 */
import { readFileSync } from 'node:fs';
import { bindingCounts, type ModeLists, sizeTable, toolsTable } from '../src/catalogue/readme.js';
import { MODES } from '../src/catalogue/select.js';
import { block, replaceBlock, settingsTable } from '../src/config/readme.js';
import { catalogue } from '../tools/index.js';

export interface ReadmeBlock {
  readonly name: string;
  /** The block as the README must hold it, markers included. */
  readonly expected: string;
  readonly apply: (readme: string) => string;
}

/** The repository root, from the source (scripts/) or the build (dist/scripts/). */
const ROOT = new URL(import.meta.url.includes('/dist/scripts/') ? '../../' : '../', import.meta.url);

function snapshot(name: string): unknown[] {
  return JSON.parse(readFileSync(new URL(`test/snapshots/${name}.json`, ROOT), 'utf8'));
}

export function readmeBlocks(): ReadmeBlock[] {
  const lists: ModeLists[] = MODES.map((mode) => ({
    mode,
    off: snapshot(`tools-list.${mode}`),
    on: snapshot(`tools-list.${mode}.discovery`),
  }));
  const blocks: [string, string, boolean][] = [
    ['bindings', bindingCounts(catalogue), true],
    ['tools', toolsTable(catalogue), false],
    ['sizes', sizeTable(lists), false],
    ['settings', settingsTable(), false],
  ];
  return blocks.map(([name, content, inline]) => ({
    name,
    expected: block(name, content, inline),
    apply: (readme) => replaceBlock(readme, name, content, inline),
  }));
}
