/**
 * Who may read an org's audit trail. graph8's GET /me names the credential's org and scopes but
 * no role, so the rule is the closest thing /me can show to "an admin of the org": a credential
 * of the org that may administer its API keys — unrestricted, or holding `account:write` (or
 * `account:*`, `*`), the scope graph8 asks for minting and revoking keys (api-contract §3). The
 * sandbox gives it to admins only. A reader sees their own org's records and no other's.
 */
import type { ApiClient } from '../api/client.js';
import { scopeAllows } from '../catalogue/scopes.js';
import { identityReader } from '../runtime/identity.js';

export const READ_SCOPE = 'account:write';

export interface Reader {
  readonly orgId: string;
  readonly orgName: string | null;
  /** Who signed in, for the page's header: the user's email, or the key's name and id. */
  readonly label: string;
}

export type ReaderCheck =
  | { readonly ok: true; readonly reader: Reader }
  | { readonly ok: false; readonly status: 401 | 403 | 503; readonly message: string };

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** GET /me with the credential (shared for a minute per credential by identity.ts), then the rule. */
export async function checkReader(api: ApiClient, credential: string): Promise<ReaderCheck> {
  const result = await identityReader(api, () => credential)();
  if (!result.ok) {
    const refused = result.error.status === 401 || result.error.status === 403;
    return refused
      ? { ok: false, status: 401, message: 'graph8 refused this credential.' }
      : {
          ok: false,
          status: 503,
          message: 'graph8 could not be reached to check the credential; try again.',
        };
  }
  const me = result.identity as unknown as Record<string, unknown>;
  const orgId = text(me.org_id);
  if (!orgId) return { ok: false, status: 403, message: 'graph8 did not say which organisation this is.' };
  if (!result.identity.unrestricted && !scopeAllows(result.identity.scopes, READ_SCOPE)) {
    return {
      ok: false,
      status: 403,
      message: `Reading the audit trail needs an unrestricted key or one with ${READ_SCOPE} (an org admin's).`,
    };
  }
  const owner = (me.principal ?? {}) as Record<string, unknown>;
  const keyName = text(me.name);
  const label =
    text(owner.user_email) ?? (keyName ? `${keyName} (${text(me.api_key_id) ?? 'key'})` : 'graph8 key');
  return { ok: true, reader: { orgId, orgName: text(me.org_name), label } };
}
