import { readFileSync } from 'node:fs';

/**
 * The package root (the folder of the nearest package.json named g8-mcp-server) and its version.
 * The entry runs from dist/src (built), dist/bundle (the bundled bin) or src (tests), so the depth
 * differs; walking up covers all three. Both are read once, synchronously: this is on the
 * start-up path and costs two small file reads.
 */
function findPackage(): { root: URL; version: string } {
  let dir = new URL('.', import.meta.url);
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'g8-mcp-server' && pkg.version) return { root: dir, version: pkg.version };
    } catch {
      // not here; keep walking
    }
    dir = new URL('..', dir);
  }
  return { root: new URL('../', import.meta.url), version: '0.0.0' };
}

const found = findPackage();

/** The package's root folder, as a URL ending in `/`. */
export const PACKAGE_ROOT: URL = found.root;
export const VERSION = found.version;
export const USER_AGENT = `g8-mcp-server/${VERSION}`;
