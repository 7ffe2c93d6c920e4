/**
 * The consent cookie: a random value tying a pending authorization to the browser that opened it,
 * so a request id leaked from one browser is useless in another. HttpOnly; SameSite=Lax so it
 * still comes back on the top-level redirect from the upstream sign-in.
 */
export const CONSENT_COOKIE = 'g8_mcp_consent';

/** A cookie's value if it has the expected form (default: a random token), else undefined. */
export function readCookie(
  header: string | undefined,
  name: string,
  form = /^[A-Za-z0-9_-]{20,100}$/,
): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return form.test(value) ? value : undefined;
    }
  }
  return undefined;
}

export function consentCookie(value: string, secure: boolean, maxAgeSec: number): string {
  return `${CONSENT_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSec}${secure ? '; Secure' : ''}`;
}
