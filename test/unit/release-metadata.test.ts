/**
 * What the npm registry and the MCP Registry read about the package: package.json's `mcpName` is
 * server.json's name (the MCP Registry's ownership check for npm packages), server.json names this
 * package and version for stdio and a Streamable HTTP remote, and the fields the registry bounds
 * stay within them. `npm run release:check` checks the packed tarball itself.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'));
const pkg = read('package.json');
const server = read('server.json');

describe('release metadata', () => {
  it('server.json is the MCP Registry entry of this npm package', () => {
    expect(server.$schema).toMatch(
      /^https:\/\/static\.modelcontextprotocol\.io\/schemas\/[\d-]+\/server\.schema\.json$/,
    );
    expect(pkg.mcpName).toBe(server.name);
    expect(server.name).toMatch(/^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/);
    expect(server.description.length).toBeLessThanOrEqual(100);
    expect(server.version).toBe(pkg.version);
    expect(server.packages).toEqual([
      expect.objectContaining({
        registryType: 'npm',
        identifier: pkg.name,
        version: pkg.version,
        transport: { type: 'stdio' },
      }),
    ]);
    const key = server.packages[0].environmentVariables.find(
      (v: { name: string }) => v.name === 'G8_API_KEY',
    );
    expect(key).toMatchObject({ isRequired: true, isSecret: true });
    expect(server.remotes).toEqual([expect.objectContaining({ type: 'streamable-http' })]);
    // Every {variable} of the remote URL template is declared.
    const remote = server.remotes[0];
    for (const [, name] of remote.url.matchAll(/\{([^}]+)\}/g)) expect(remote.variables).toHaveProperty(name);
  });

  it('ships the built code and its documents only, and no native module', () => {
    expect(pkg.files).toEqual(expect.arrayContaining(['server.json', 'README.md']));
    expect(pkg.files.every((f: string) => !f.includes('.map') && !f.startsWith('src'))).toBe(true);
    expect(Object.keys(pkg.bin).map((name) => pkg.bin[name])).toEqual(
      expect.arrayContaining(['dist/bundle/main.js', 'dist/src/entry/g8.js']),
    );
    expect(pkg.exports).toEqual({ './package.json': './package.json' });
    expect({ ...pkg.dependencies, ...pkg.optionalDependencies }).not.toHaveProperty('better-sqlite3');
    expect(pkg.peerDependenciesMeta['g8-sandbox']).toEqual({ optional: true });
  });
});
