// The fixture server the official MCP conformance suite's server scenarios expect: every test_* tool, test://
// resource and test_* prompt they call, under the exact names and behaviours their sources assert.
//
// A pure factory: one fresh McpServer per call, no transport knowledge. It serves both a 2026-07-28
// `createMcpHandler(fixtureServerFactory, { bus: fixtureEventBus })` (one instance per request) and a sessionful
// 2025 transport (one instance per session). The only state shared between instances is module-wide: the HMAC key
// sealing MRTR requestState (fixtures/input-required.ts) and the change-event bus (fixtures/stateless-tools.ts).
//
// The tasks extension's fixtures run on the product's task module (fixtures/tasks.ts); not here: confirm_delete,
// multi_input, test_tool_with_task (tasks waiting for input mid-run), see scripts/conformance/SCENARIOS.md.
import { type McpRequestContext, McpServer, type Server } from '@modelcontextprotocol/server';
import { registerContentTools } from './fixtures/content-tools.js';
import { registerInputRequiredFixtures, requestStateOption } from './fixtures/input-required.js';
import { registerPromptFixtures } from './fixtures/prompts.js';
import { registerResourceFixtures } from './fixtures/resources.js';
import { registerSchemaTools } from './fixtures/schema-tools.js';
import { registerSessionTools } from './fixtures/session-tools.js';
import { fixtureEventBus, registerStatelessTools } from './fixtures/stateless-tools.js';
import { registerTaskFixtures } from './fixtures/tasks.js';

export { fixtureEventBus };

export const FIXTURE_SERVER_INFO = { name: 'g8-conformance-fixture', version: '1.0.0' } as const;

export function fixtureServerFactory(_ctx?: McpRequestContext): McpServer | Server {
  const server = new McpServer(FIXTURE_SERVER_INFO, {
    capabilities: {
      tools: { listChanged: true },
      resources: { subscribe: true, listChanged: true },
      prompts: { listChanged: true },
      // Deprecated in 2026-07-28 (per-request logLevel instead) but what 2025 logging/setLevel negotiates.
      logging: {},
      completions: {},
    },
    requestState: requestStateOption,
  });
  registerContentTools(server);
  registerSessionTools(server);
  registerSchemaTools(server);
  registerInputRequiredFixtures(server);
  registerStatelessTools(server, fixtureEventBus);
  registerResourceFixtures(server);
  registerPromptFixtures(server);
  registerTaskFixtures(server);
  return server;
}
