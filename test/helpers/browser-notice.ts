/**
 * vitest globalSetup: when browser tests were skipped for want of Chromium in this run, says so
 * once more after the summary, where a reader of `npm test` looks last (each skipped file also
 * printed its own banner as it ran). A skipping test file leaves a marker named after this
 * process (its workers' parent); no marker, nothing to say.
 */
import { existsSync, rmSync } from 'node:fs';
import { CHROMIUM_MISSING, skipMarker } from './http-browser.js';

export function setup(): () => void {
  const marker = skipMarker(process.pid);
  rmSync(marker, { force: true });
  return () => {
    if (!existsSync(marker)) return;
    rmSync(marker, { force: true });
    process.stderr.write(`\nNOTE: browser tests were SKIPPED in this run: ${CHROMIUM_MISSING}.\n`);
  };
}
