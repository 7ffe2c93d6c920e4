/** stdio entry: config → API client → buildServer → StdioServerTransport. */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { coreForMode, selectTools } from './catalogue/select.js';
import { catalogue } from './catalogue-loader.js';
import type { Config } from './config.js';
import type { Handover } from './fast/front.js';
import { createLogger } from './log.js';
import { buildServer } from './mcp/server.js';
import { apiClientFor, serverSettings } from './serve.js';
import { checkApiKey } from './stdio-key.js';
import { VERSION } from './version.js';

export { checkApiKey, StartupError } from './stdio-key.js';

/**
 * The transport after the fast front (src/fast/front.ts) has answered `initialize`: it reads the
 * front's kept lines and then stdin, and drops the one answer the client already has.
 */
class HandedOverTransport extends StdioServerTransport {
  #answered: Handover['answeredInitialize'];

  constructor(handover: Handover) {
    super(handover.input, process.stdout);
    this.#answered = handover.answeredInitialize;
  }

  override send(message: JSONRPCMessage): Promise<void> {
    if (
      this.#answered !== undefined &&
      'id' in message &&
      message.id === this.#answered &&
      !('method' in message)
    ) {
      this.#answered = undefined;
      return Promise.resolve();
    }
    return super.send(message);
  }
}

/** `handover` is given when the fast front started the session (see src/fast/front.ts). */
export async function runStdio(config: Config, handover?: Handover): Promise<void> {
  const apiKey = checkApiKey(config.apiKey);
  const tools = selectTools(catalogue, config);
  const logger = createLogger(config.logLevel);
  const api = apiClientFor(config, logger);
  const server = buildServer({
    name: 'g8-mcp-server',
    version: VERSION,
    tools,
    api,
    credential: () => apiKey,
    logger,
    ...serverSettings(config, config.mode),
    coreTools: coreForMode(catalogue, config.mode, tools),
    ...(handover?.identity ? { identity: handover.identity } : {}),
  });
  // The front's GET /me went out before this client existed: it still counts against the pacing.
  if (handover?.identity) void api.account(apiKey, handover.identity);
  const transport = handover ? new HandedOverTransport(handover) : new StdioServerTransport();
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
