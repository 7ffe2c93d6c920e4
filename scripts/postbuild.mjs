// After tsc: marks the bin entries executable, generates dist/catalogue.json (what initialize and
// tools/list answer, per mode, with the zod schemas already converted: stdio's fast start-up
// serves it) and bundles the g8-mcp-server bin into dist/bundle/ (scripts/bundle.mjs).
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { bundle } from './bundle.mjs';

const { buildFastCatalogue } = await import('../dist/src/fast/catalogue-build.js');
writeFileSync(new URL('../dist/catalogue.json', import.meta.url), JSON.stringify(await buildFastCatalogue()));
await bundle();

for (const bin of ['../dist/src/main.js', '../dist/src/cli/main.js', '../dist/bundle/main.js']) {
  const url = new URL(bin, import.meta.url);
  if (existsSync(url)) chmodSync(url, 0o755);
}
