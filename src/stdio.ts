/**
 * stdio: config → API client → one ToolHost → the SDK's serveStdio, which owns the era decision
 * (a 2025 `initialize` or a 2026-07-28 `server/discover` / enveloped request) and calls
 * buildServer for the connection. Nothing else writes to stdout.
 */
import { createHash } from 'node:crypto';
import { StdioServerTransport, serveStdio } from '@modelcontextprotocol/server/stdio';
import { coreForMode, selectTools } from './catalogue/select.js';
import { catalogue } from './catalogue-loader.js';
import type { Config } from './config.js';
import { createLogger } from './log.js';
import { Confirmations, processKey } from './mcp/confirmation.js';
import { unavailableTools } from './mcp/errors/unavailable.js';
import { buildServer } from './mcp/server.js';
import { toolHost } from './mcp/tool-host.js';
import { apiClientFor, hostSettings } from './serve.js';
import { checkApiKey } from './stdio-key.js';
import { withVersionGuard } from './stdio-version-guard.js';
import { VERSION } from './version.js';

export { checkApiKey, StartupError } from './stdio-key.js';

export async function runStdio(config: Config): Promise<void> {
  const apiKey = checkApiKey(config.apiKey);
  const tools = selectTools(catalogue, config);
  const logger = createLogger(config.logLevel);
  const api = apiClientFor(config, logger);
  const credential = () => apiKey;
  // One process serves one user: its confirmations need no key any other process knows.
  const confirmations = new Confirmations({ key: processKey() });
  const settings = hostSettings(config, config.mode);
  const host = toolHost({
    tools,
    api,
    credential,
    who: `key:${createHash('sha256').update(apiKey).digest('base64url')}`,
    logger,
    confirmations,
    ...settings,
    coreTools: coreForMode(catalogue, config.mode, tools),
    unavailable: unavailableTools(catalogue, {
      face: 'stdio',
      selection: config,
      discovery: settings.discovery,
    }),
  });
  const shared = { name: 'g8-mcp-server', version: VERSION, confirmations, logger };
  const caller = { host, api, credential, toolNames: tools.map((t) => t.name) };
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
    await api.close().catch(() => {});
    process.exit(code);
  };
  // The client closing our stdin is the normal way a stdio server is told to stop.
  process.stdin.on('end', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  logger.info(
    { mode: config.mode, tools: tools.length, api_url: config.apiUrl },
    'g8-mcp-server ready on stdio',
  );
}
