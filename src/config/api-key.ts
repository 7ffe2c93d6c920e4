/** The local check of stdio's API key: a wrong one never reaches the network (or a log). */

import { StartupError } from '../platform/errors.js';

/** Three dot-separated base64url parts: a browser session token, not an API key. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token.trim());
}

/**
 * Anything JWT- or JWE-shaped: a token starting `eyJ` (a base64 JSON header), or 3 (JWS) or 5
 * (JWE) dot-separated base64 parts, padded with `=` or not. No graph8 API key has a dot.
 */
export function looksLikeSessionToken(token: string): boolean {
  const t = token.trim();
  if (t.startsWith('eyJ')) return true;
  const parts = t.split('.');
  return (parts.length === 3 || parts.length === 5) && parts.every((p) => /^[A-Za-z0-9_+/=-]*$/.test(p));
}

export const JWT_MESSAGE =
  'JWT token provided instead of API key: G8_API_KEY must be a graph8 API key (g8_live_… or g8_test_…), not a browser session token.';

export const BEARER_WARNING =
  'G8_API_KEY starts with "Bearer ": using the key without it. Set G8_API_KEY to the key alone.';

/** Where a raw G8_API_KEY stands: the key to use (a `Bearer ` prefix stripped), or why there is none. */
export type KeyVerdict =
  | { readonly ok: true; readonly key: string; readonly strippedBearer: boolean }
  | { readonly ok: false; readonly problem: 'missing' | 'jwt' };

/** The one rule for a key from the environment, shared by the stdio server and the g8 CLI. */
export function judgeApiKey(raw: string | undefined): KeyVerdict {
  let key = raw?.trim() ?? '';
  const bearer = /^bearer\s+/i.exec(key);
  if (bearer) key = key.slice(bearer[0].length).trim();
  if (!key) return { ok: false, problem: 'missing' };
  if (looksLikeSessionToken(key)) return { ok: false, problem: 'jwt' };
  return { ok: true, key, strippedBearer: bearer !== null };
}

/**
 * Checks a key locally so an obviously wrong one never reaches the network (or a log); a
 * `Bearer ` prefix is stripped with a warning that never echoes the key.
 */
export function checkApiKey(
  key: string | undefined,
  warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): string {
  const verdict = judgeApiKey(key);
  if (!verdict.ok && verdict.problem === 'missing') {
    throw new StartupError(
      'G8_API_KEY is not set. Create a key in graph8 (Settings → API, or Profile → Developer) and put it in the env of your MCP client config.',
    );
  }
  if (!verdict.ok) throw new StartupError(JWT_MESSAGE);
  if (verdict.strippedBearer) warn(BEARER_WARNING);
  return verdict.key;
}
