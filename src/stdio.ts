/** stdio entry: config → API client → buildServer → StdioServerTransport. */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ApiClient } from './api/client.js';
import { coreForMode, selectTools } from './catalogue/select.js';
import { catalogue } from './catalogue-loader.js';
import { type Config, looksLikeJwt } from './config.js';
import { createLogger } from './log.js';
import { buildServer } from './mcp/server.js';
import { USER_AGENT, VERSION } from './version.js';

export class StartupError extends Error {}

/** Checks a key locally so an obviously wrong one never reaches the network (or a log). */
export function checkApiKey(key: string | undefined): string {
  if (!key?.trim()) {
    throw new StartupError(
      'G8_API_KEY is not set. Create a key in graph8 (Settings → API, or Profile → Developer) and put it in the env of your MCP client config.',
    );
  }
  if (looksLikeJwt(key)) {
    throw new StartupError(
      'JWT token provided instead of API key: G8_API_KEY must be a graph8 API key (g8_live_… or g8_test_…), not a browser session token.',
    );
  }
  return key.trim();
}

export async function runStdio(config: Config): Promise<void> {
  const apiKey = checkApiKey(config.apiKey);
  const tools = selectTools(catalogue, config);
  const logger = createLogger(config.logLevel);
  const api = new ApiClient({
    apiUrl: config.apiUrl,
    userAgent: USER_AGENT,
    timeoutMs: config.timeoutMs,
    logger,
    pace: config.pace,
  });
  const server = buildServer({
    name: 'g8-mcp-server',
    version: VERSION,
    tools,
    api,
    credential: () => apiKey,
    logger,
    confirm: config.confirm,
    maxResultChars: config.maxResultChars,
    scopeFilter: config.scopeFilter === 'on',
    discovery: config.discovery === 'on' || (config.discovery === 'auto' && config.mode === 'all'),
    coreTools: coreForMode(catalogue, config.mode, tools),
    mode: config.mode,
  });
  const transport = new StdioServerTransport();
  let closing = false;
  const shutdown = async (code: number) => {
    if (closing) return;
    closing = true;
    await server.close().catch(() => {});
    await api.close().catch(() => {});
    process.exit(code);
  };
  // The client closing our stdin is the normal way a stdio server is told to stop.
  process.stdin.on('end', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  await server.connect(transport);
  logger.info(
    { mode: config.mode, tools: tools.length, api_url: config.apiUrl },
    'g8-mcp-server ready on stdio',
  );
}
