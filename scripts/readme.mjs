// `npm run readme`: rewrites the README's generated blocks from the settings table, the catalogue
// and the tools/list snapshots (regenerate those first with `npx vitest run -u test/unit/catalogue.test.ts`).
// test/unit/readme-generated.test.ts fails while the README differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { readmeBlocks } from '../dist/scripts/readme-blocks.js';

const path = new URL('../README.md', import.meta.url);
const before = readFileSync(path, 'utf8');
let after = before;
for (const b of readmeBlocks()) after = b.apply(after);
writeFileSync(path, after);
process.stdout.write(
  before === after ? 'README: generated blocks up to date\n' : 'README: generated blocks rewritten\n',
);
