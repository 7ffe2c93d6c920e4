// Bundles the g8-mcp-server bin with esbuild into dist/bundle/: one small entry chunk (dispatch)
// plus chunks the entry loads lazily (the stdio server with the SDK, zod, undici and pino). One file per chunk instead of hundreds of modules saves module resolution
// and reads at start-up. Remote mode, the sandbox and the demo are not bundled: the bundle imports
// them from dist/src as built by tsc (express and the SQLite addon stay ordinary dependencies).
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url);

/** Branches of src/main.ts left to the tsc output, as seen from dist/bundle/. */
const UNBUNDLED = {
  './http/entry.js': '../src/http/entry.js',
  './sandbox/index.js': '../src/sandbox/index.js',
  './demo.js': '../src/demo.js',
};

const unbundledBranches = {
  name: 'unbundled-branches',
  setup(b) {
    b.onResolve({ filter: /^\.\/(http\/entry|sandbox\/index|demo)\.js$/ }, (args) =>
      args.importer.endsWith('/src/main.ts') ? { path: UNBUNDLED[args.path], external: true } : undefined,
    );
  },
};

export async function bundle() {
  // Chunk names carry content hashes: clear the old ones so none linger in the package.
  rmSync(new URL('dist/bundle', root), { recursive: true, force: true });
  await build({
    absWorkingDir: new URL('.', root).pathname,
    entryPoints: { main: 'src/main.ts' },
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
    external: ['better-sqlite3'],
    plugins: [unbundledBranches],
    legalComments: 'none',
    // Less source to decode and parse when the real server loads (~2.5 MB → ~1.8 MB; the first
    // tools/call answers ~15% sooner). Names are kept, so stack traces stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await bundle();
