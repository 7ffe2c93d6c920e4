/**
 * stdio: config → API client → one ToolHost → the SDK's serveStdio, which owns the era decision
 * (a 2025 `initialize` or a 2026-07-28 `server/discover` / enveloped request) and calls
 * buildServer for the connection. Nothing else writes to stdout.
 */
import { createHash } from 'node:crypto';
import { StdioServerTransport, serveStdio } from '@modelcontextprotocol/server/stdio';
import { catalogue } from '../../tools/index.js';
import { coreForMode, selectTools } from '../catalogue/select.js';
import { checkApiKey } from '../config/api-key.js';
import type { Config } from '../config/load.js';
import { Confirmations, processKey } from '../mcp/confirmation.js';
import { apiClientFor, hostSettings, toolTasksFor } from '../mcp/from-config.js';
import { buildServer } from '../mcp/server.js';
import { MemoryTaskStore } from '../mcp/tasks/store.js';
import { toolHost } from '../mcp/tool-host.js';
import { unavailableTools } from '../mcp/unavailable.js';
import { startTracing, stopTracing } from '../ops/trace.js';
import { createLogger } from '../platform/log.js';
import { VERSION } from '../platform/version.js';
import { withVersionGuard } from './stdio-version-guard.js';

export { checkApiKey } from '../config/api-key.js';

export async function runStdio(config: Config): Promise<void> {
  const apiKey = checkApiKey(config.apiKey);
  const tools = selectTools(catalogue, config);
  const logger = createLogger(config.logLevel);
  // Before any server is built: the MCP request spans are chosen when handlers are wrapped.
  await startTracing(process.env, { name: 'g8-mcp-server', version: VERSION });
  const api = apiClientFor(config, logger);
  const credential = () => apiKey;
  // Loaded only when asked for: the default stdio start pays nothing for the audit trail.
  const trail = config.auditFile
    ? (await import('../audit/trail.js')).openStdioTrail(config, logger, api, apiKey)
    : undefined;
  // One process serves one user: its confirmations need no key any other process knows.
  const confirmations = new Confirmations({ key: processKey() });
  const settings = hostSettings(config, config.mode);
  const who = `key:${createHash('sha256').update(apiKey).digest('base64url')}`;
  // A stdio process's tasks live as long as it does: memory, and the key it already holds.
  const tasks = toolTasksFor(config, api, logger, new MemoryTaskStore(), {
    seal: () => undefined,
    open: async () => apiKey,
  });
  void tasks.service.start();
  const host = toolHost({
    tools,
    api,
    credential,
    who,
    tasks,
    logger,
    confirmations,
    ...settings,
    coreTools: coreForMode(catalogue, config.mode, tools),
    audit: trail?.audit,
    unavailable: unavailableTools(catalogue, {
      face: 'stdio',
      selection: config,
      discovery: settings.discovery,
    }),
  });
  const shared = { name: 'g8-mcp-server', version: VERSION, confirmations, logger, tasks: tasks.service };
  const caller = { host, api, credential, toolNames: tools.map((t) => t.name), owner: who };
  // Who the key is matters to the first tools/list: read it (which loads the HTTP client) right
  // after the first answer has gone out, while the client reads it and asks for the tools.
  let warm = false;
  const factory = () => {
    if (!warm) {
      warm = true;
      setImmediate(() => host.warmUp());
    }
    return buildServer(shared, caller);
  };
  const handle = serveStdio(factory, {
    transport: withVersionGuard(new StdioServerTransport()),
    onerror: (error) => logger.debug({ err: error.message }, 'stdio protocol error'),
  });

  let closing = false;
  const shutdown = async (code: number) => {
    if (closing) return;
    closing = true;
    await handle.close().catch(() => {});
    await tasks.service.close().catch(() => {});
    await trail?.close().catch(() => {});
    await api.close().catch(() => {});
    await stopTracing().catch(() => {});
    process.exit(code);
  };
  // The client closing our stdin is the normal way a stdio server is told to stop.
  process.stdin.on('end', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  // What tools/list answers (meta tools and discovery included); with the scope filter on, tools
  // the key lacks a scope for are hidden from it once GET /me has answered.
  logger.info(
    {
      mode: config.mode,
      tools: host.listedCount(),
      scope_filter: config.scopeFilter === 'on',
      api_url: config.apiUrl,
    },
    'g8-mcp-server ready on stdio',
  );
}
