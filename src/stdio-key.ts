/** The local check of stdio's API key: a wrong one never reaches the network (or a log). */

export class StartupError extends Error {}

/** Three dot-separated base64url parts: a browser session token, not an API key. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token.trim());
}

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
