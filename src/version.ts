import { readFileSync } from 'node:fs';

/**
 * The package version, read from the nearest package.json named g8-mcp-server. The entry runs from
 * dist/src (built) or src (tests), so the depth differs; walking up covers both.
 */
function findVersion(): string {
  let dir = new URL('.', import.meta.url);
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'g8-mcp-server' && pkg.version) return pkg.version;
    } catch {
      // not here; keep walking
    }
    dir = new URL('..', dir);
  }
  return '0.0.0';
}

export const VERSION = findVersion();
export const USER_AGENT = `g8-mcp-server/${VERSION}`;
