/**
 * The scopes this authorization server grants to MCP clients. They narrow which tools a session
 * exposes; what the upstream graph8 credential itself may do is still enforced by graph8.
 */
import { InvalidScopeError } from './errors.js';

export const SCOPE_READ = 'graph8:read';
export const SCOPE_WRITE = 'graph8:write';

export const SCOPES: Readonly<Record<string, string>> = {
  [SCOPE_READ]: 'Read your graph8 data: contacts, companies, sequences, inbox, syncs, campaigns, knowledge',
  [SCOPE_WRITE]:
    'Act for you in graph8: create and change records, run enrichment (spends credits), send replies, launch campaigns, push to your CRM',
};

export const SUPPORTED_SCOPES: readonly string[] = Object.keys(SCOPES);

/** Requested scopes, validated; none requested means all of them (the client asked for "access"). */
export function grantedScopes(requested: readonly string[] | undefined): string[] {
  const asked = (requested ?? []).filter((s) => s !== '');
  const unknown = asked.filter((s) => !(s in SCOPES));
  if (unknown.length) {
    throw new InvalidScopeError(
      `Unknown scope ${unknown.join(', ')}; supported: ${SUPPORTED_SCOPES.join(' ')}`,
    );
  }
  return asked.length ? [...new Set(asked)] : [...SUPPORTED_SCOPES];
}

/** A session may call write-tier tools only with graph8:write. */
export function readOnlyFor(scopes: readonly string[]): boolean {
  return !scopes.includes(SCOPE_WRITE);
}
