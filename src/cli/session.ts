/**
 * The credential and REST client for one CLI run: the same key rules as the stdio server, and
 * the same ApiClient (retries, timeouts, envelopes) so a command behaves like its MCP tool.
 */
import type { ApiClient } from '../api/client.js';
import { BEARER_WARNING, JWT_MESSAGE, judgeApiKey } from '../config/api-key.js';
import type { Config } from '../config/load.js';
import { USER_AGENT } from '../platform/version.js';
import { UsageError } from './errors.js';

const KEY_HELP =
  'Create one in graph8 (Settings → API, or Profile → Developer) and export G8_API_KEY=g8_live_… (or g8_test_…). For the local sandbox: export G8_API_KEY=$(npx g8-mcp-server sandbox --print-key).';

/**
 * The key from the environment, checked locally so a wrong one never reaches the network: the
 * stdio server's rule (a `Bearer ` prefix stripped with a warning, JWT/JWE shapes refused).
 */
export function requireApiKey(
  env: NodeJS.ProcessEnv,
  warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): string {
  const verdict = judgeApiKey(env.G8_API_KEY);
  if (!verdict.ok && verdict.problem === 'missing') throw new UsageError('G8_API_KEY is not set.', KEY_HELP);
  if (!verdict.ok) throw new UsageError(JWT_MESSAGE, KEY_HELP);
  if (verdict.strippedBearer) warn(BEARER_WARNING);
  return verdict.key;
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
