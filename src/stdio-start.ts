/**
 * Starts stdio mode. With plain settings and the generated catalogue at hand, the fast front
 * (src/fast/front.ts) answers `initialize`, `tools/list` and the other session-independent lists
 * from the build-time catalogue, and the real server loads when a request needs it; otherwise —
 * a setting only config.ts can judge, or no dist/catalogue.json (a build without
 * scripts/postbuild.mjs) — the real server starts first, as it always did. Either way the same
 * server ends up serving the session.
 */
import { coreForMode } from './catalogue/select.js';
import { lightCatalogue, readFastCatalogue, selectLight } from './fast/catalogue.js';
import { discoveryOn, fastConfig } from './fast/config.js';
import { type Handover, startFront } from './fast/front.js';
import { checkApiKey } from './stdio-key.js';
import { setV8Flags, YOUNG_GENERATION_FIXED } from './v8-flags.js';
import { USER_AGENT } from './version.js';

async function loadServer(env: NodeJS.ProcessEnv, argv: readonly string[]) {
  await lighterV8();
  const [{ loadConfig }, { runStdio }] = await Promise.all([import('./config.js'), import('./stdio.js')]);
  return (handover?: Handover) => runStdio(loadConfig(env, argv), handover);
}

/**
 * Two V8 settings that trade speed the stdio server does not need for memory it keeps (measured
 * on Node 20 as RSS at rest; call latency unchanged, see the README's Performance section):
 *
 * - V8 doubles the young generation (up to 2 × 16 MB) whenever much of it survives a scavenge, as
 *   it does while the real server loads and under a run of calls, and the pages it grew into stay
 *   resident: ~5 MB after loading, ~30 MB after 1,000 calls. A stdio server serves one client,
 *   one request at a time: V8's initial 1 MB semi-space is plenty.
 * - undici parses HTTP with llhttp compiled to WebAssembly; on the first calls V8 recompiles it
 *   with TurboFan on a background thread, and ~10 MB of that compiler's memory stays in the
 *   thread's malloc arena (RSS after 3 calls: 74 → 64 MB; after 1,000, when JavaScript's own
 *   optimizing compiles have grown the arenas too: 75 → 73.5 MB). Liftoff's code is fast enough
 *   to parse one REST answer at a time.
 *
 * How and on which V8s they are set: src/v8-flags.ts. Set when the real server loads, not at
 * start-up: there they cost the front ~9 ms before `initialize` (measured; changed flags most
 * likely make V8 refuse Node's code cache for the built-in modules compiled after).
 */
function lighterV8(): Promise<void> {
  return setV8Flags(YOUNG_GENERATION_FIXED, '--liftoff-only');
}

export async function startStdio(env: NodeJS.ProcessEnv, argv: readonly string[]): Promise<void> {
  const config = fastConfig(env, argv);
  const cat = config && readFastCatalogue();
  if (!config || !cat) return (await loadServer(env, argv))();
  // The same checks, in the same order and with the same messages, as runStdio.
  const apiKey = checkApiKey(config.apiKey);
  const tools = selectLight(cat, config);
  return startFront({
    catalogue: cat,
    mode: config.mode,
    tools,
    core: coreForMode(lightCatalogue(cat), config.mode, tools),
    discovery: discoveryOn(config.discovery, config.mode),
    ...(config.scopeFilter === 'on'
      ? { me: { apiUrl: config.apiUrl, apiKey, userAgent: USER_AGENT, timeoutMs: config.timeoutMs } }
      : {}),
    readMe: async (req) => (await import('./fast/me.js')).readMe(req),
    load: () => loadServer(env, argv),
  });
}
