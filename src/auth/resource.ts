/**
 * Audience binding (RFC 8707): every code and token is issued for this server's canonical MCP URL
 * (`<public url>/mcp`). A client may name it with or without a trailing slash, with a query (the
 * tool selection, which is not part of the resource) or not at all; any other resource is refused.
 */
import { InvalidTargetError } from './errors.js';

export function canonicalResource(publicUrl: URL): string {
  return new URL('/mcp', publicUrl).href;
}

function comparable(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.hash) return undefined;
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return undefined;
  }
}

export function sameResource(a: string, b: string): boolean {
  const x = comparable(a);
  return x !== undefined && x === comparable(b);
}

/** The resource a request is for: the canonical one, or InvalidTargetError. */
export function checkResource(requested: URL | string | undefined, canonical: string): string {
  if (requested === undefined) return canonical;
  const text = typeof requested === 'string' ? requested : requested.href;
  if (!sameResource(text, canonical)) {
    throw new InvalidTargetError(`This server only issues tokens for ${canonical}`);
  }
  return canonical;
}
