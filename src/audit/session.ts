/**
 * The /audit page's browser state, all in cookies sealed or keyed with the server secret, so any
 * replica reads them and nothing is stored:
 * - `g8_audit_browser`: a random id of this browser; the forms' CSRF token is an HMAC of it.
 * - `g8_audit_pending`: a graph8 sign-in under way (its state and PKCE verifier), sealed.
 * - `g8_audit_session`: who signed in (org, label) and until when, sealed. No credential is kept:
 *   the key or upstream token is checked once with graph8 at sign-in and then forgotten.
 * All HttpOnly, Secure on https; SameSite=Lax (the pending one must come back on the redirect
 * from the upstream sign-in), with the same Origin and CSRF checks on every form as the consent page.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { readCookie } from '../auth/consent/cookies.js';
import { randomToken, type Sealer, safeEqual } from '../auth/crypto.js';
import type { Reader } from './access.js';

export const SESSION_TTL_MS = 3_600_000;
const PENDING_TTL_MS = 600_000;
const BROWSER_COOKIE = 'g8_audit_browser';
const PENDING_COOKIE = 'g8_audit_pending';
const SESSION_COOKIE = 'g8_audit_session';
const SESSION_AAD = 'audit-session-v1';
const PENDING_AAD = 'audit-pending-v1';
/** Marks the upstream `state` of an /audit sign-in, so /oauth/callback knows whose it is. */
export const AUDIT_STATE_PREFIX = 'audit_';

/** A random token (the browser id) or a sealed value (`v1:iv:body:tag`). */
const COOKIE_FORM = /^[A-Za-z0-9_:-]{20,4000}$/;

function cookieValue(header: string | undefined, name: string): string | undefined {
  return readCookie(header, name, COOKIE_FORM);
}

export interface PendingSignIn {
  readonly state: string;
  readonly verifier: string;
}

export class AuditCookies {
  readonly #sealer: Sealer;
  readonly #csrfKey: Buffer;
  readonly #secure: boolean;
  readonly #now: () => number;

  constructor(secret: Buffer, sealer: Sealer, secure: boolean, now: () => number = Date.now) {
    this.#sealer = sealer;
    this.#csrfKey = Buffer.from(hkdfSync('sha256', secret, 'g8-mcp-server', 'audit-csrf-v1', 32));
    this.#secure = secure;
    this.#now = now;
  }

  #cookie(name: string, value: string, path: string, maxAgeSec: number): string {
    return `${name}=${value}; Path=${path}; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSec}${this.#secure ? '; Secure' : ''}`;
  }

  /** This browser's id (and the cookie to set when it is new). */
  browser(header: string | undefined): { id: string; setCookie?: string } {
    const id = cookieValue(header, BROWSER_COOKIE);
    if (id) return { id };
    const fresh = randomToken();
    return { id: fresh, setCookie: this.#cookie(BROWSER_COOKIE, fresh, '/audit', 86_400) };
  }

  csrfFor(browserId: string): string {
    return createHmac('sha256', this.#csrfKey).update(browserId).digest('base64url');
  }

  csrfMatches(header: string | undefined, csrf: string): boolean {
    const id = cookieValue(header, BROWSER_COOKIE);
    return id !== undefined && safeEqual(this.csrfFor(id), csrf);
  }

  /** A cookie holding `payload` sealed, with its expiry inside. */
  #sealed(name: string, aad: string, path: string, ttlMs: number, payload: object): string {
    const value = this.#sealer.seal(JSON.stringify({ ...payload, exp: this.#now() + ttlMs }), aad);
    return this.#cookie(name, value, path, ttlMs / 1000);
  }

  sessionCookie(reader: Reader): string {
    return this.#sealed(SESSION_COOKIE, SESSION_AAD, '/audit', SESSION_TTL_MS, reader);
  }

  clearSession(): string {
    return this.#cookie(SESSION_COOKIE, '', '/audit', 0);
  }

  /** A sealed cookie's payload, if it opens and has not expired. */
  #opened(header: string | undefined, name: string, aad: string): Record<string, unknown> | undefined {
    const value = cookieValue(header, name);
    if (!value) return undefined;
    try {
      const data = JSON.parse(this.#sealer.open(value, aad)) as Record<string, unknown>;
      return typeof data.exp === 'number' && data.exp > this.#now() ? data : undefined;
    } catch {
      return undefined;
    }
  }

  session(header: string | undefined): Reader | undefined {
    const data = this.#opened(header, SESSION_COOKIE, SESSION_AAD);
    if (typeof data?.orgId !== 'string') return undefined;
    const orgName = typeof data.orgName === 'string' ? data.orgName : null;
    return { orgId: data.orgId, orgName, label: String(data.label) };
  }

  pendingCookie(pending: PendingSignIn): string {
    return this.#sealed(PENDING_COOKIE, PENDING_AAD, '/oauth/callback', PENDING_TTL_MS, pending);
  }

  clearPending(): string {
    return this.#cookie(PENDING_COOKIE, '', '/oauth/callback', 0);
  }

  pending(header: string | undefined): PendingSignIn | undefined {
    const data = this.#opened(header, PENDING_COOKIE, PENDING_AAD);
    return data ? { state: String(data.state), verifier: String(data.verifier) } : undefined;
  }
}
