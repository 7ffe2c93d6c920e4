// After tsc: bundles the g8-mcp-server bin into dist/bundle/ (scripts/bundle.mjs) and marks the
// bin entries executable. Nothing is generated from the catalogue: tool schemas are converted from
// the zod specs of the code that runs, once per process, so no build artefact can go stale.
import { chmodSync, existsSync } from 'node:fs';
import { bundle } from './bundle.mjs';

await bundle();

for (const bin of ['../dist/src/entry/main.js', '../dist/src/entry/g8.js', '../dist/bundle/main.js']) {
  const url = new URL(bin, import.meta.url);
  if (existsSync(url)) chmodSync(url, 0o755);
}
