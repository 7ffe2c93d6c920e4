/**
 * Starts stdio mode. With plain settings and the generated catalogue at hand, the fast front
 * (src/fast/front.ts) answers `initialize` and the first `tools/list` while the real server loads;
 * otherwise — a setting only config.ts can judge, or no dist/catalogue.json (a build without
 * scripts/postbuild.mjs) — the real server starts first, as it always did. Either way the same
 * server ends up serving the session.
 */
import { coreForMode } from './catalogue/select.js';
import { lightCatalogue, readFastCatalogue, selectLight } from './fast/catalogue.js';
import { discoveryOn, fastConfig } from './fast/config.js';
import { type Handover, startFront } from './fast/front.js';
import { checkApiKey } from './stdio-key.js';
import { USER_AGENT } from './version.js';

async function loadServer(env: NodeJS.ProcessEnv, argv: readonly string[]) {
  const [{ loadConfig }, { runStdio }] = await Promise.all([import('./config.js'), import('./stdio.js')]);
  return (handover?: Handover) => runStdio(loadConfig(env, argv), handover);
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
