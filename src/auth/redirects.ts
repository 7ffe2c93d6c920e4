/**
 * Which redirect URIs a client may register (by dynamic registration or a metadata document), an
 * allowlist: https anywhere; plain http only on a loopback host, on any port (RFC 8252 §7.3 —
 * native clients such as Claude Code listen on an ephemeral port); private-use schemes in
 * reverse-domain form with at least one dot (RFC 8252 §7.1: com.example.app:/cb); and the few
 * named desktop-app schemes MCP clients in the field use (cursor://…). Every other scheme (ws:,
 * intent:, view-source:, javascript:, …) is refused. Matching at /authorize is exact, except the
 * port of a loopback URI (the rule the v1 SDK applied, which clients rely on).
 */
import { InvalidClientMetadataError } from './errors.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
/** RFC 8252 §7.1: a private-use scheme is a reversed domain name the app controls (≥ one dot). */
const REVERSE_DOMAIN_SCHEME = /^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+:$/;
/** Desktop MCP clients whose (older, undotted) scheme is in use today. */
const KNOWN_APP_SCHEMES = new Set(['cursor:']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.has(hostname);
}

/** Why a redirect URI is unacceptable, or undefined when it is fine. */
export function redirectProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `${uri} is not a URL`;
  }
  if (url.hash) return `${uri} has a fragment`;
  if (url.username || url.password) return `${uri} carries credentials`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname) ? undefined : `${uri}: plain http is only allowed on a loopback host`;
  }
  if (REVERSE_DOMAIN_SCHEME.test(url.protocol) || KNOWN_APP_SCHEMES.has(url.protocol)) return undefined;
  return `${uri}: the ${url.protocol} scheme is not allowed (use https, http on a loopback host, or a private-use scheme in reverse-domain form such as com.example.app:)`;
}

export function checkRedirectUris(uris: readonly string[]): void {
  if (uris.length === 0) throw new InvalidClientMetadataError('redirect_uris must name at least one URI');
  if (uris.length > 10) throw new InvalidClientMetadataError('at most 10 redirect_uris');
  for (const uri of uris) {
    const problem = redirectProblem(uri);
    if (problem) throw new InvalidClientMetadataError(problem);
  }
}

/**
 * Whether a requested redirect_uri is the registered one. RFC 8252 §7.3: a loopback URI may name
 * any port (native clients listen on an ephemeral one); scheme, host, path and query still match
 * exactly, and localhost is not 127.0.0.1.
 */
export function redirectUriMatches(requested: string, registered: string): boolean {
  if (requested === registered) return true;
  let req: URL;
  let reg: URL;
  try {
    req = new URL(requested);
    reg = new URL(registered);
  } catch {
    return false;
  }
  if (!isLoopbackHost(req.hostname) || !isLoopbackHost(reg.hostname)) return false;
  return (
    req.protocol === reg.protocol &&
    req.hostname === reg.hostname &&
    req.pathname === reg.pathname &&
    req.search === reg.search
  );
}

/** What the consent page shows as "you will be sent back to". */
export function redirectLabel(uri: string): string {
  const url = new URL(uri);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.host : `${url.protocol}//${url.host}`;
}

/** The CSP form-action source that lets a form submission end at this redirect URI. */
export function redirectSource(uri: string): string {
  const url = new URL(uri);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol;
}
