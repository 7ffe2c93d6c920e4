// Marks the two bin entries executable; tsc writes plain files.
import { chmodSync, existsSync } from 'node:fs';

for (const bin of ['../dist/src/main.js', '../dist/src/cli/main.js']) {
  const url = new URL(bin, import.meta.url);
  if (existsSync(url)) chmodSync(url, 0o755);
}
