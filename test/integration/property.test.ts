/**
 * Property-based: random arguments to every tool never crash the server, never reach the network
 * when invalid, and always produce a valid CallToolResult.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CallToolResultSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/api/client.js';
import { selectTools } from '../../src/catalogue/select.js';
import { catalogue } from '../../tools/index.js';
import { type RecordingServer, startRecordingServer } from '../helpers/recording-server.js';
import { buildTestServer } from '../helpers/server.js';

describe('random arguments', () => {
  let backend: RecordingServer;
  let client: Client;
  let api: ApiClient;
  let tools: Tool[];

  beforeAll(async () => {
    backend = await startRecordingServer();
    api = new ApiClient({ apiUrl: backend.url, userAgent: 'prop', timeoutMs: 2000, pace: false });
    const server = buildTestServer({
      tools: selectTools(catalogue, { mode: 'all' }),
      api,
      credential: () => 'g8_test_property',
      logger: { debug() {}, error() {} },
      confirm: 'never',
    });
    const [a, b] = InMemoryTransport.createLinkedPair();
    client = new Client({ name: 'prop', version: '1' });
    await Promise.all([server.connect(a), client.connect(b)]);
    tools = (await client.listTools()).tools;
  });
  afterAll(async () => {
    await client.close();
    await api.close();
    await backend.close();
  });

  const value = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 3 }),
  );

  it('every tool, 60 random argument sets each', async () => {
    let invalid = 0;
    let sent = 0;
    for (const tool of tools) {
      const props = Object.keys((tool.inputSchema.properties ?? {}) as object);
      // Keys drawn mostly from the tool's own fields, so some calls get past validation.
      const key = fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...(props.length ? props : ['x'])) },
        fc.string({ maxLength: 8 }),
      );
      await fc.assert(
        fc.asyncProperty(fc.dictionary(key, value, { maxKeys: 5 }), async (args) => {
          backend.reset();
          const raw = await client.callTool({ name: tool.name, arguments: args });
          const result = CallToolResultSchema.parse(raw);
          const error = (result.structuredContent as { error?: { code?: string } } | undefined)?.error;
          if (error?.code === 'invalid_arguments') {
            invalid++;
            expect(backend.requests).toHaveLength(0);
          } else {
            sent++;
          }
        }),
        { numRuns: 60 },
      );
    }
    // Both branches were exercised, so the property is not vacuous.
    expect(invalid).toBeGreaterThan(100);
    expect(sent).toBeGreaterThan(10);
  }, 120_000);
});
