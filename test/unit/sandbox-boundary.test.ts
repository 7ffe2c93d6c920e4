/**
 * The boundary between the server and the g8-sandbox workspace package (packages/sandbox), read
 * from the source: the package and its tests import nothing of the server (only their own files,
 * Node built-ins and the package's declared dependencies), and the server reaches the package only
 * by its name, from src/entry/sandbox.ts, never by a path into its files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const sandboxRoot = join(root, 'packages/sandbox');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/**
 * Every module a file imports, statically or with `import()`, as TypeScript's own scanner reads
 * them (so an import statement inside a string, such as a seeded code patch, is not one).
 */
function specifiers(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

describe('the sandbox package boundary', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'packages/sandbox/package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const declared = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies ?? {})]);
  const builtins = new Set(builtinModules);

  it('imports only its own files, Node built-ins and its declared dependencies (sources and tests)', () => {
    const files = [...tsFiles(join(sandboxRoot, 'src')), ...tsFiles(join(sandboxRoot, 'test'))];
    expect(files.length).toBeGreaterThan(50);
    const outside: string[] = [];
    for (const file of files) {
      for (const spec of specifiers(file)) {
        const where = relative(root, file);
        if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec);
          if (!target.startsWith(`${sandboxRoot}/`)) outside.push(`${where} → ${spec}`);
        } else if (spec.startsWith('node:')) {
          if (!builtins.has(spec.slice(5))) outside.push(`${where} → ${spec}`);
        } else {
          const name = spec.startsWith('@')
            ? spec.split('/').slice(0, 2).join('/')
            : (spec.split('/')[0] as string);
          // Type-only packages (@types/*) are declared under their runtime name's @types twin.
          if (!declared.has(name) && !declared.has(`@types/${name}`)) outside.push(`${where} → ${spec}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });

  it('declares better-sqlite3 itself, and the server package does not', () => {
    expect(pkg.dependencies['better-sqlite3']).toBeDefined();
    const server = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    expect(server.dependencies?.['better-sqlite3']).toBeUndefined();
    expect(server.optionalDependencies?.['better-sqlite3']).toBeUndefined();
  });

  it('is reached from the server only by its package name, and only from src/entry/sandbox.ts', () => {
    const users: string[] = [];
    for (const file of tsFiles(join(root, 'src'))) {
      for (const spec of specifiers(file)) {
        const where = relative(root, file);
        if (spec.includes('packages/sandbox') || spec.includes('/sandbox/')) users.push(`${where} → ${spec}`);
        if (spec === 'g8-sandbox' && where !== 'src/entry/sandbox.ts') users.push(`${where} → ${spec}`);
      }
    }
    expect(users).toEqual([]);
  });
});
