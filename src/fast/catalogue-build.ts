/**
 * Generates dist/catalogue.json at build time (scripts/postbuild.mjs), by asking the real server:
 * buildServer answers `initialize` (discovery off and on) and `tools/list` per mode over an
 * in-memory transport, and the raw results are kept. So the fast start-up serves what buildServer
 * would serve, converted from zod once here instead of at every start.
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  type JSONRPCMessage,
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@modelcontextprotocol/sdk/types.js';
import { ApiClient } from '../api/client.js';
import { MODES, selectTools } from '../catalogue/select.js';
import type { Mode, ToolSpec } from '../catalogue/types.js';
import { catalogue } from '../catalogue-loader.js';
import type { ToolDefinition } from '../mcp/definition.js';
import { WHOAMI } from '../mcp/meta.js';
import { buildServer } from '../mcp/server.js';
import { VERSION } from '../version.js';
import type { FastCatalogue, InitializeBody, LightSpec } from './catalogue.js';

const light = (spec: ToolSpec): LightSpec => ({
  name: spec.name,
  description: spec.description,
  toolset: spec.toolset,
  tier: spec.tier,
  scope: spec.scope,
});

/** Sends requests to a fresh server of `mode` and returns its raw results, in order. */
async function ask(
  mode: Mode,
  discovery: boolean,
  requests: { method: string; params?: Record<string, unknown> }[],
): Promise<unknown[]> {
  const api = new ApiClient({ apiUrl: 'http://127.0.0.1:9', userAgent: 'catalogue-build', timeoutMs: 1000 });
  const server = buildServer({
    name: 'g8-mcp-server',
    version: VERSION,
    tools: selectTools(catalogue, { mode }),
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

export async function buildFastCatalogue(): Promise<FastCatalogue> {
  const definitions = {} as Record<Mode, Record<string, ToolDefinition>>;
  for (const mode of MODES) {
    const [list] = await ask(mode, false, [{ method: 'tools/list' }]);
    const defs: Record<string, ToolDefinition> = {};
    for (const def of (list as { tools: ToolDefinition[] }).tools)
      if (def.name !== WHOAMI) defs[def.name] = def;
    definitions[mode] = defs;
  }
  const [plain] = await ask('all', false, [INITIALIZE]);
  const [withDiscovery] = await ask('all', true, [INITIALIZE]);
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
    protocolVersions: { latest: LATEST_PROTOCOL_VERSION, supported: [...SUPPORTED_PROTOCOL_VERSIONS] },
  };
}
