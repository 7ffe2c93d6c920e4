// `npm run settings:readme`: writes the README's settings table from src/config/settings.ts (via
// the build), between its markers. test/unit/settings-table.test.ts fails while they differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { withTable } from '../dist/src/config/readme.js';

const path = new URL('../README.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = withTable(before);
writeFileSync(path, after);
process.stdout.write(
  before === after ? 'README settings table: up to date\n' : 'README settings table: rewritten\n',
);
