// Bundles the g8-mcp-server bin with esbuild into dist/bundle/: one small entry chunk (dispatch,
// the fast stdio front) plus chunks the entry loads lazily (the real stdio server with the SDK,
// zod, undici and pino). One file per chunk instead of hundreds of modules saves module resolution
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

// undici's index loads all of undici (fetch, WebSocket, caches, mocks, proxies: ~1 MB of source)
// where the REST client uses one class, Pool: measured, ~8 MB of the stdio server's RSS at rest.
// In the bundle, `undici` is the Pool module plus the request API that the index attaches to
// every dispatcher, exactly as the index does. (Remote mode, unbundled, keeps the whole of it.)
const UNDICI_POOL = `
const Dispatcher = require('undici/lib/dispatcher/dispatcher');
Object.assign(Dispatcher.prototype, require('undici/lib/api'));
module.exports = { Pool: require('undici/lib/dispatcher/pool') };
`;
/** Importers allowed to see that reduced undici: they import nothing but Pool from it. */
const POOL_IMPORTERS = ['/src/api/client.ts'];

const undiciPoolOnly = {
  name: 'undici-pool-only',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (args) => {
      if (POOL_IMPORTERS.some((p) => args.importer.endsWith(p)))
        return { path: 'undici-pool', namespace: 'g8' };
      return {
        errors: [{ text: `undici imported from ${args.importer}: the bundle's undici is Pool only` }],
      };
    });
    b.onLoad({ filter: /^undici-pool$/, namespace: 'g8' }, () => ({
      contents: UNDICI_POOL,
      loader: 'js',
      resolveDir: new URL('.', root).pathname,
    }));
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
    plugins: [unbundledBranches, undiciPoolOnly],
    legalComments: 'none',
    // Less source to decode and parse when the real server loads (~2.5 MB → ~1.8 MB; the first
    // tools/call answers ~15% sooner). Names are kept, so stack traces stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await bundle();
