/**
 * Remote mode for `npm start`: the server in front of the local sandbox, with "Sign in with
 * graph8" pointed at the sandbox's OAuth provider, plus the text that tells a person how to
 * connect Claude Code, Cursor and Windsurf to it.
 */
import { catalogue } from '../../tools/index.js';
import { loadConfig } from '../config/load.js';
import { StartupError } from '../platform/errors.js';
import { createLogger } from '../platform/log.js';
import { type RemoteServer, startRemoteServer } from './server.js';

export interface DemoRemoteOptions {
  readonly sandboxUrl: string;
  readonly oauthClient: { readonly clientId: string; readonly clientSecret: string };
  readonly dataDir: string;
  readonly demoKey: string;
}

export interface DemoRemote {
  readonly server: RemoteServer;
  readonly instructions: string;
}

export async function startDemoRemote(opts: DemoRemoteOptions): Promise<DemoRemote> {
  const env = {
    ...process.env,
    G8_DATA_DIR: process.env.G8_DATA_DIR ?? opts.dataDir,
    G8_API_URL: opts.sandboxUrl,
    G8_OAUTH_ISSUER: opts.sandboxUrl,
    G8_OAUTH_CLIENT_ID: opts.oauthClient.clientId,
    G8_OAUTH_CLIENT_SECRET: opts.oauthClient.clientSecret,
  };
  const config = loadConfig(env);
  // Warnings only: npm start's output is the instructions below.
  const logger = createLogger(process.env.G8_LOG_LEVEL ? config.logLevel : 'warn');
  let server: RemoteServer;
  try {
    server = await startRemoteServer(config, catalogue, logger);
  } catch (error) {
    if (!(error instanceof StartupError) || process.env.G8_HTTP_PORT) throw error;
    // The default port is taken: any free one will do for a demo.
    server = await startRemoteServer({ ...config, httpPort: 0 }, catalogue, logger);
  }
  return { server, instructions: instructions(server.url, opts.demoKey) };
}

function instructions(url: string, demoKey: string): string {
  const cursor = { mcpServers: { graph8: { url } } };
  const windsurf = { mcpServers: { graph8: { serverUrl: url } } };
  return `Remote mode (Streamable HTTP + OAuth) on the sandbox
  URL        ${url}
  per mode   ${url}?mode=dev   ${url}?mode=gtm   (also ?toolsets=inbox,sequences and ?read_only=1)
  sign-in    the consent page offers "Sign in with graph8" (pick a sandbox demo user) or an API key

Claude Code:
  claude mcp add --transport http graph8 ${url}

Cursor (.cursor/mcp.json):
${JSON.stringify(cursor, null, 2)}

Windsurf (~/.codeium/windsurf/mcp_config.json):
${JSON.stringify(windsurf, null, 2)}

Headless (no browser), with an API key instead of OAuth:
  claude mcp add --transport http graph8-key ${url} --header "Authorization: Bearer ${demoKey}"
`;
}
