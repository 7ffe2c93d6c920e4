/**
 * A CallAudit bound to one caller: remote mode makes one per authenticated principal, stdio one
 * per process. Who the caller is comes from GET /me (identity.ts shares it for a minute per
 * credential, so this costs no extra request), read when the record is written.
 */
import { createHash } from 'node:crypto';
import type { AuditedCall, CallAudit } from '../mcp/call-audit.js';
import type { IdentityResult } from '../runtime/identity.js';
import type { AuditLog, Who } from './log.js';

export interface AuditPrincipal {
  readonly kind: 'api_key' | 'oauth';
  /** Our OAuth grant id (oauth only). */
  readonly grantId?: string | undefined;
  /** A short stand-in for the key when GET /me cannot name it: never the key itself. */
  readonly fallbackId: string;
}

/** A short, one-way id of a credential for when graph8 cannot name it. */
export function credentialTag(credential: string): string {
  return `sha256:${createHash('sha256').update(credential).digest('hex').slice(0, 16)}`;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function whoFrom(principal: AuditPrincipal, result: IdentityResult | undefined): Who {
  const me = result?.ok ? (result.identity as unknown as Record<string, unknown>) : {};
  const owner = (me.principal ?? {}) as Record<string, unknown>;
  const keyId = text(me.api_key_id);
  return {
    principal:
      principal.kind === 'oauth'
        ? `grant:${principal.grantId ?? '?'}`
        : `key:${keyId ?? principal.fallbackId}`,
    principalKind: principal.kind,
    keyId,
    user: text(owner.user_email),
    orgId: text(me.org_id),
  };
}

export function callAudit(
  log: AuditLog,
  principal: AuditPrincipal,
  identity: () => Promise<IdentityResult>,
): CallAudit {
  let who: Promise<Who> | undefined;
  const resolve = (): Promise<Who> => {
    who ??= identity().then(
      (result) => {
        // A failed GET /me is not kept: the next record asks again.
        if (!result.ok) who = undefined;
        return whoFrom(principal, result);
      },
      () => {
        who = undefined;
        return whoFrom(principal, undefined);
      },
    );
    return who;
  };
  return {
    begin: () => {
      const end = log.begin();
      return (call: AuditedCall) => end(call, resolve);
    },
    record: (call: AuditedCall) => log.record(call, resolve),
  };
}
