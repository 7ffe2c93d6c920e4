/**
 * `npm start`: the sandbox on a local data file, a self-check through the real MCP server, and
 * copy-paste instructions for connecting a client to it.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { catalogue } from '../../tools/index.js';
import { ApiClient } from '../api/client.js';
import { selectTools } from '../catalogue/select.js';
import { Confirmations, processKey } from '../mcp/confirmation.js';
import { buildServer } from '../mcp/server.js';
import { toolHost } from '../mcp/tool-host.js';
import { StartupError } from '../platform/errors.js';
import { USER_AGENT, VERSION } from '../platform/version.js';
import { dbPathOf, sandboxOptions, sandboxSettings, startLocalSandbox } from './sandbox.js';

/** The demo takes the sandbox's `--port` and `--db` (and their G8_SANDBOX_* variables). */
function parseArgs(argv: readonly string[]) {
  const { settings } = sandboxSettings(process.env, argv, [
    'sandboxPort',
    'sandboxDb',
    'sandboxScopeMode',
    'sandboxRatePerSecond',
    'sandboxRatePerMinute',
    'sandboxOauthTokenTtl',
    'sandboxOauthRedirects',
  ]);
  return { port: settings.sandboxPort, dbPath: dbPathOf(settings.sandboxDb), settings };
}

/**
 * One real tool call through buildServer, served by the SDK's 2026-07-28 handler in-process and
 * asked by the SDK's client, so the demo proves the whole path before it says "ready". The client
 * is a dev dependency: the demo runs from a clone (it needs the sandbox's SQLite as well).
 */
async function selfCheck(apiUrl: string, apiKey: string): Promise<string> {
  const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client').catch(
    async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ERR_MODULE_NOT_FOUND') throw error;
      throw new StartupError(
        '`demo` runs from a clone of the repository (its self-check uses the MCP client, a dev dependency): npm install && npm start there; `g8-mcp-server sandbox` runs without it',
      );
    },
  );
  const api = new ApiClient({ apiUrl, userAgent: USER_AGENT, timeoutMs: 10_000 });
  const tools = selectTools(catalogue, { mode: 'all' });
  const logger = { debug() {}, error() {} };
  const confirmations = new Confirmations({ key: processKey() });
  const credential = () => apiKey;
  const handler = createMcpHandler(() =>
    buildServer(
      { name: 'g8-mcp-server', version: VERSION, confirmations, logger },
      {
        host: toolHost({ tools, api, credential, who: 'demo', logger, confirmations }),
        api,
        credential,
        toolNames: tools.map((t) => t.name),
        owner: 'demo',
      },
    ),
  );
  const transport = new StreamableHTTPClientTransport(new URL('http://demo.local/mcp'), {
    fetch: (url, init) => handler.fetch(new Request(url, init)),
  });
  const client = new Client({ name: 'g8-demo', version: VERSION }, { versionNegotiation: { mode: 'auto' } });
  await client.connect(transport);
  try {
    const listed = await client.listTools();
    const result = await client.callTool({ name: 'g8_search_contacts', arguments: { limit: 3 } });
    if (result.isError) throw new Error(`self-check failed: ${JSON.stringify(result.content)}`);
    const data = result.structuredContent as {
      items: { first_name: string; last_name: string }[];
      pagination: { total: number };
    };
    const names = data.items.map((c) => `${c.first_name} ${c.last_name}`).join(', ');
    return `${listed.tools.length} tools listed; g8_search_contacts found ${data.pagination.total} contacts (${names}, …)`;
  } finally {
    await client.close();
    await handler.close();
    await api.close();
  }
}

export async function runDemo(argv: readonly string[]): Promise<void> {
  const opts = parseArgs(argv);
  mkdirSync(resolve(opts.dbPath, '..'), { recursive: true });
  // The sandbox logs a line per request: into a file, so the banner below stays on screen.
  const logPath = resolve(opts.dbPath, '..', 'sandbox.log');
  const logFile = createWriteStream(logPath, { flags: 'a', mode: 0o600 });
  const sandbox = await startLocalSandbox({
    port: opts.port,
    dbPath: opts.dbPath,
    ...sandboxOptions(opts.settings),
    log: (line) => logFile.write(`${new Date().toISOString()} ${line}\n`),
  });
  const check = await selfCheck(sandbox.url, sandbox.demoKey);
  const { startDemoRemote } = await import('../remote/demo-remote.js');
  const remote = await startDemoRemote({
    sandboxUrl: sandbox.url,
    oauthClient: sandbox.oauthClient,
    dataDir: resolve(opts.dbPath, '..'),
    demoKey: sandbox.demoKey,
  });
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  const env = { G8_API_KEY: sandbox.demoKey, G8_API_URL: sandbox.url, G8_MCP_MODE: 'all' };
  const config = { mcpServers: { 'graph8-sandbox': { command: process.execPath, args: [main], env } } };
  const envFlags = Object.entries(env)
    .map(([k, v]) => `-e ${k}=${v}`)
    .join(' ');
  process.stdout.write(`
graph8 sandbox ${VERSION} is running
  API        ${sandbox.url}/api/v1   (dashboard: ${sandbox.url}/)
  database   ${opts.dbPath}
  requests   ${logPath}   (tail -f it to watch)
  demo key   ${sandbox.demoKey}   (test mode, full access, local only)
  self-check ${check}

Connect a client (stdio) — paste into claude_desktop_config.json, .cursor/mcp.json or .mcp.json:
${JSON.stringify(config, null, 2)}

Claude Code:
  claude mcp add graph8-sandbox ${envFlags} -- ${process.execPath} ${main}

MCP Inspector:
  npx @modelcontextprotocol/inspector ${envFlags} ${process.execPath} ${main}

${remote.instructions}
Press Ctrl+C to stop.
`);
  const stop = async () => {
    await remote.server.close();
    await sandbox.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
