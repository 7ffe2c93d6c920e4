/**
 * The layout's import rules (docs/ARCHITECTURE.md, "The house"): no folder imports one it must not,
 * src/ holds folders only, and every folder says what it is in its README.md.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

/** Folder → folders (of src/, or `sandbox` for the sandbox package) it must never import. */
const NEVER: Record<string, readonly string[]> = {
  platform: [
    'api',
    'audit',
    'auth',
    'catalogue',
    'cli',
    'config',
    'entry',
    'mcp',
    'ops',
    'remote',
    'runtime',
    'stores',
  ],
  catalogue: ['api', 'audit', 'auth', 'cli', 'entry', 'mcp', 'ops', 'remote', 'runtime', 'stores'],
  config: ['api', 'audit', 'auth', 'cli', 'entry', 'mcp', 'ops', 'remote', 'runtime', 'stores'],
  api: ['audit', 'auth', 'cli', 'entry', 'mcp', 'remote', 'runtime', 'stores'],
  runtime: ['audit', 'auth', 'cli', 'entry', 'mcp', 'remote', 'stores'],
  mcp: ['cli', 'entry', 'remote'],
  cli: ['entry', 'mcp', 'remote'],
  auth: ['cli', 'entry', 'remote'],
  stores: ['cli', 'entry', 'remote'],
  ops: ['cli', 'entry', 'mcp', 'remote', 'runtime'],
};
/** Only these files start the sandbox (a workspace package the server does not depend on). */
const MAY_START_SANDBOX = ['src/entry/demo.ts', 'src/entry/sandbox.ts'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1] as string);
}

/** The src/ folder (or `sandbox`) an import lands in, if it lands in one. */
function landing(file: string, spec: string): string | undefined {
  if (spec === 'g8-sandbox' || spec.startsWith('g8-sandbox/')) return 'sandbox';
  if (!spec.startsWith('.')) return undefined;
  const target = relative(ROOT, resolve(dirname(file), spec));
  if (target.startsWith('packages/sandbox')) return 'sandbox';
  const [top, folder] = target.split('/');
  return top === 'src' ? folder : undefined;
}

describe('the layout', () => {
  it('no folder imports one it must not; only the demo and sandbox commands start the sandbox', () => {
    const wrong: string[] = [];
    for (const file of files(SRC)) {
      const from = relative(SRC, file).split('/')[0] as string;
      for (const spec of imports(file)) {
        const to = landing(file, spec);
        if (to === undefined || to === from) continue;
        const rel = relative(ROOT, file);
        if (NEVER[from]?.includes(to)) wrong.push(`${rel} imports ${spec} (${from} → ${to})`);
        if (to === 'sandbox' && !MAY_START_SANDBOX.includes(rel)) wrong.push(`${rel} imports the sandbox`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('src/ holds folders only, each with a README.md that says what it is', () => {
    const entries = readdirSync(SRC);
    expect(entries.filter((name) => !statSync(join(SRC, name)).isDirectory())).toEqual([]);
    for (const folder of entries) {
      const readme = join(SRC, folder, 'README.md');
      expect(existsSync(readme), `src/${folder}/README.md`).toBe(true);
      expect(readFileSync(readme, 'utf8').length, `src/${folder}/README.md says something`).toBeGreaterThan(
        80,
      );
    }
  });
});
