/**
 * The credential and REST client for one CLI run: the same key rules as the stdio server, and
 * the same ApiClient (retries, timeouts, envelopes) so a command behaves like its MCP tool.
 */
import type { ApiClient } from '../api/client.js';
import { type Config, looksLikeJwt } from '../config.js';
import { USER_AGENT } from '../version.js';
import { UsageError } from './errors.js';

const KEY_HELP =
  'Create one in graph8 (Settings → API, or Profile → Developer) and export G8_API_KEY=g8_live_… (or g8_test_…). For the local sandbox: export G8_API_KEY=$(npx g8-mcp-server sandbox --print-key).';

/** The key from the environment, checked locally so a wrong one never reaches the network. */
export function requireApiKey(env: NodeJS.ProcessEnv): string {
  const key = env.G8_API_KEY?.trim();
  if (!key) throw new UsageError('G8_API_KEY is not set.', KEY_HELP);
  if (looksLikeJwt(key)) {
    throw new UsageError(
      'JWT token provided instead of API key: G8_API_KEY must be a graph8 API key (g8_live_… or g8_test_…), not a browser session token.',
      KEY_HELP,
    );
  }
  return key;
}

/** Loaded on demand: the HTTP stack is most of g8's start-up time and help never needs it. */
export async function openApi(config: Config): Promise<ApiClient> {
  const { ApiClient } = await import('../api/client.js');
  // One connection: a CLI run makes its calls one after the other.
  return new ApiClient({
    apiUrl: config.apiUrl,
    userAgent: USER_AGENT,
    timeoutMs: config.timeoutMs,
    connections: 1,
  });
}
