// Bundles the g8-mcp-server bin with esbuild into dist/bundle/: one small entry chunk (dispatch)
// plus chunks the entry loads lazily (the stdio server with the SDK, zod, undici and pino). One file per chunk instead of hundreds of modules saves module resolution
// and reads at start-up. Remote mode and the demo are not bundled: the bundle imports them from
// dist/src as built by tsc (express and the SQLite addon stay ordinary dependencies), and so is
// migrate-state (pg and the SQLite addon). The sandbox is the separate package g8-sandbox, which
// the `sandbox` command's chunk imports by name at run time.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url);

/** Branches of src/entry/main.ts left to the tsc output, as seen from dist/bundle/. */
const UNBUNDLED = {
  './http.js': '../src/entry/http.js',
  './demo.js': '../src/entry/demo.js',
  './migrate-state.js': '../src/entry/migrate-state.js',
};

const unbundledBranches = {
  name: 'unbundled-branches',
  setup(b) {
    b.onResolve({ filter: /^\.{1,2}\/(http|demo|migrate-state)\.js$/ }, (args) =>
      args.importer.endsWith('/src/entry/main.ts')
        ? { path: UNBUNDLED[args.path], external: true }
        : undefined,
    );
  },
};

/**
 * Every spec's input JSON Schema, converted by the code about to be bundled: a throwaway bundle of
 * tools/ and src/catalogue/definition.ts from the same source files, run here. Refuses a catalogue where
 * two specs share a schema key.
 */
async function convertSchemas() {
  const dir = mkdtempSync(join(tmpdir(), 'g8-schemas-'));
  try {
    const entry = join(dir, 'entry.ts');
    const src = new URL('.', root).pathname;
    writeFileSync(
      entry,
      `import { sharedTools, devTools, gtmTools } from '${src}tools/index.ts';
import { convertInputSchema, schemaKey } from '${src}src/catalogue/definition.ts';
const out = {};
for (const spec of [...sharedTools, ...devTools, ...gtmTools]) {
  const key = schemaKey(spec);
  if (key in out) throw new Error('two tool specs share the schema key ' + key);
  out[key] = convertInputSchema(spec);
}
export default out;
`,
    );
    await build({
      entryPoints: [entry],
      outfile: join(dir, 'schemas.mjs'),
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'warning',
    });
    return (await import(pathToFileURL(join(dir, 'schemas.mjs')).href)).default;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function bundle() {
  const schemas = await convertSchemas();
  const prebuilt = {
    name: 'prebuilt-schemas',
    setup(b) {
      b.onLoad({ filter: /src\/catalogue\/prebuilt-schemas\.ts$/ }, () => ({
        contents: `export const PREBUILT_SCHEMAS = ${JSON.stringify(schemas)};`,
        loader: 'js',
      }));
    },
  };
  // Chunk names carry content hashes: clear the old ones so none linger in the package.
  rmSync(new URL('dist/bundle', root), { recursive: true, force: true });
  await build({
    absWorkingDir: new URL('.', root).pathname,
    entryPoints: { main: 'src/entry/main.ts' },
    outdir: 'dist/bundle',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // CommonJS dependencies (undici, pino) call require(); an ES module has none of its own.
    banner: {
      js: "import { createRequire as __g8CreateRequire } from 'node:module'; const require = __g8CreateRequire(import.meta.url);",
    },
    // node-sqlite3-wasm finds its .wasm beside its own file, so it stays a package of its own;
    // g8-sandbox is a separate package, loaded only by the sandbox and demo commands.
    external: ['node-sqlite3-wasm', 'g8-sandbox'],
    plugins: [unbundledBranches, prebuilt],
    legalComments: 'none',
    // Less source to decode and parse when the real server loads (~2.5 MB → ~1.8 MB; the first
    // tools/call answers ~15% sooner). Names are kept, so stack traces stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await bundle();
