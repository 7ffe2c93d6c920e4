/**
 * The product's tools/list (and other calls) for a mode, through the real server factory and the
 * SDK client over an in-memory pair: no backend, so the scope filter is off (the scope-aware list
 * is exercised against the sandbox elsewhere).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { ApiClient } from '../../src/api/client.js';
import { coreForMode, selectTools } from '../../src/catalogue/select.js';
import type { Mode } from '../../src/catalogue/types.js';
import { catalogue } from '../../tools/index.js';
import { buildTestServer } from './server.js';

export async function withCatalogueClient<T>(
  mode: Mode,
  discovery: boolean,
  use: (client: Client) => Promise<T>,
): Promise<T> {
  const api = new ApiClient({ apiUrl: 'http://127.0.0.1:9', userAgent: 'test', timeoutMs: 1000 });
  const tools = selectTools(catalogue, { mode });
  const server = buildTestServer({
    tools,
    api,
    credential: () => 'g8_test_unused',
    scopeFilter: false,
    discovery,
    coreTools: coreForMode(catalogue, mode, tools),
  });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'catalogue-test', version: '1' });
  await Promise.all([server.connect(a), client.connect(b)]);
  try {
    return await use(client);
  } finally {
    await client.close();
    await api.close();
  }
}

export function listTools(mode: Mode, discovery = false): Promise<Tool[]> {
  return withCatalogueClient(mode, discovery, async (client) => (await client.listTools()).tools);
}
