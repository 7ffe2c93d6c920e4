/**
 * The product's server factory with test-friendly defaults: a process key for confirmations, a
 * silent logger, the caller's tools and settings in one object. Tests connect a client of either
 * SDK era to what it returns.
 */
import type { Server } from '@modelcontextprotocol/server';
import type { ApiClient } from '../../src/api/client.js';
import type { ExposedTool } from '../../src/catalogue/select.js';
import { Confirmations, processKey } from '../../src/mcp/confirmation.js';
import { buildServer } from '../../src/mcp/server.js';
import { type HostContext, toolHost } from '../../src/mcp/tool-host.js';

export interface TestServerOptions extends Partial<Omit<HostContext, 'tools' | 'api' | 'credential'>> {
  readonly tools: readonly ExposedTool[];
  readonly api: ApiClient;
  readonly credential: () => string | Promise<string>;
  readonly version?: string;
}

const silent = { debug() {}, error() {} };

export function buildTestServer(o: TestServerOptions): Server {
  const confirmations = o.confirmations ?? new Confirmations({ key: processKey() });
  const logger = o.logger ?? silent;
  const host = toolHost({ who: 'test', ...o, logger, confirmations });
  return buildServer(
    { name: 'g8-mcp-server', version: o.version ?? '0.0.0-test', confirmations, logger },
    { host, api: o.api, credential: o.credential, toolNames: o.tools.map((t) => t.name), owner: 'test' },
  );
}
