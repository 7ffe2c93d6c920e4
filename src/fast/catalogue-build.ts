/**
 * Generates dist/catalogue.json at build time (scripts/postbuild.mjs), by asking the real server:
 * buildServer answers `initialize` (discovery off and on), `tools/list` per mode and the FIXED
 * requests (ping, resources/list, resources/templates/list, prompts/list) over an in-memory
 * transport, and the raw results are kept. So the fast start-up serves what buildServer would
 * serve, converted from zod once here instead of at every start.
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  type JSONRPCMessage,
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@modelcontextprotocol/sdk/types.js';
import { ApiClient } from '../api/client.js';
import { MODES, type Selection, selectTools } from '../catalogue/select.js';
import type { Mode, ToolSpec } from '../catalogue/types.js';
import { catalogue } from '../catalogue-loader.js';
import type { ToolDefinition } from '../mcp/definition.js';
import { WHOAMI } from '../mcp/meta.js';
import { buildServer } from '../mcp/server.js';
import { VERSION } from '../version.js';
import type { FastCatalogue, FixedAnswers, InitializeBody, LightSpec } from './catalogue.js';
import { FIXED } from './messages.js';

const light = (spec: ToolSpec): LightSpec => ({
  name: spec.name,
  description: spec.description,
  toolset: spec.toolset,
  tier: spec.tier,
  scope: spec.scope,
});

/** Sends requests to a fresh server of this selection and returns its raw results, in order. */
async function ask(
  selection: Selection,
  discovery: boolean,
  requests: { method: string; params?: Record<string, unknown> }[],
): Promise<unknown[]> {
  const api = new ApiClient({ apiUrl: 'http://127.0.0.1:9', userAgent: 'catalogue-build', timeoutMs: 1000 });
  const server = buildServer({
    name: 'g8-mcp-server',
    version: VERSION,
    tools: selectTools(catalogue, selection),
    api,
    credential: () => 'g8_test_unused',
    logger: { debug() {}, error() {} },
    // No backend here: the fast path applies the key's scopes itself, as buildServer does.
    scopeFilter: false,
    discovery,
  });
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  const results = new Map<number, unknown>();
  clientSide.onmessage = (m: JSONRPCMessage) => {
    if ('id' in m && 'result' in m) results.set(Number(m.id), m.result);
  };
  await server.connect(serverSide);
  await clientSide.start();
  for (const [i, r] of requests.entries()) await clientSide.send({ jsonrpc: '2.0', id: i, ...r });
  for (let tries = 0; results.size < requests.length && tries < 100; tries++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  await server.close();
  await api.close();
  if (results.size < requests.length) throw new Error('catalogue-build: the server did not answer');
  return requests.map((_, i) => results.get(i));
}

const INITIALIZE = {
  method: 'initialize',
  params: {
    protocolVersion: LATEST_PROTOCOL_VERSION,
    capabilities: {},
    clientInfo: { name: 'catalogue-build', version: VERSION },
  },
};

function initializeBody(result: unknown): InitializeBody {
  const { protocolVersion: _negotiated, ...body } = result as InitializeBody & { protocolVersion: string };
  return body;
}

const FIXED_REQUESTS = FIXED.map((method) => ({ method }));

/**
 * The FIXED answers of every server asked, by method. One is kept only when every mode, discovery
 * setting and selection asked gave it alike: an answer that came to depend on the session (say,
 * prompts naming the selected tools) is left to the real server rather than served wrong, and
 * test/unit/perf-catalogue.test.ts then fails, asking for it to be keyed by what it depends on.
 */
function agreed(answers: readonly (readonly unknown[])[]): FixedAnswers {
  const fixed: FixedAnswers = {};
  for (const [i, method] of FIXED.entries()) {
    const [first, ...rest] = answers.map((a) => a[i]);
    const json = JSON.stringify(first);
    if (first !== undefined && rest.every((a) => JSON.stringify(a) === json)) fixed[method] = first;
  }
  return fixed;
}

export async function buildFastCatalogue(): Promise<FastCatalogue> {
  const definitions = {} as Record<Mode, Record<string, ToolDefinition>>;
  const fixed: unknown[][] = [];
  for (const mode of MODES) {
    const [list, ...answers] = await ask({ mode }, false, [{ method: 'tools/list' }, ...FIXED_REQUESTS]);
    fixed.push(answers);
    const defs: Record<string, ToolDefinition> = {};
    for (const def of (list as { tools: ToolDefinition[] }).tools)
      if (def.name !== WHOAMI) defs[def.name] = def;
    definitions[mode] = defs;
  }
  const [plain] = await ask({ mode: 'all' }, false, [INITIALIZE]);
  const [withDiscovery, ...answers] = await ask({ mode: 'all' }, true, [INITIALIZE, ...FIXED_REQUESTS]);
  fixed.push(answers);
  fixed.push(await ask({ mode: 'gtm', tools: ['g8_list_campaigns'], readOnly: true }, true, FIXED_REQUESTS));
  return {
    version: VERSION,
    groups: {
      shared: catalogue.shared.map(light),
      dev: catalogue.dev.map(light),
      gtm: catalogue.gtm.map(light),
    },
    gtmAliases: catalogue.gtmAliases,
    core: catalogue.core,
    definitions,
    initialize: { plain: initializeBody(plain), discovery: initializeBody(withDiscovery) },
    fixed: agreed(fixed),
    protocolVersions: { latest: LATEST_PROTOCOL_VERSION, supported: [...SUPPORTED_PROTOCOL_VERSIONS] },
  };
}
