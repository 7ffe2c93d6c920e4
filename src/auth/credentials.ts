/**
 * The upstream credential of a grant: sealed into the store when the user signs in, opened for
 * each tool call, and — for an upstream OAuth token — refreshed shortly before it expires (one
 * refresh per grant at a time, the rotated refresh token sealed back). With replicas, a lock per
 * grant (Redis) makes that one refresh across all of them: whoever waited on the lock reads the
 * winner's sealed credential instead of spending the refresh token a second time.
 */

import { CredentialError } from './credential-error.js';
import { SealError, type Sealer } from './crypto.js';
import { RecentChecks } from './recent-checks.js';
import type { AuthStore } from './store.js';
import { type UpstreamOAuth, UpstreamRefusedError, type UpstreamTokens } from './upstream.js';

export interface OAuthCredential {
  readonly kind: 'oauth';
  readonly accessToken: string;
  readonly refreshToken?: string | undefined;
  readonly expiresAt?: number | undefined;
  readonly issuedAt: number;
}

export type UpstreamCredential = { readonly kind: 'api_key'; readonly key: string } | OAuthCredential;

export interface VaultLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export function oauthCredential(tokens: UpstreamTokens): OAuthCredential {
  return { kind: 'oauth', ...tokens };
}

/** Refresh when less than a tenth of the lifetime (at most a minute) is left. */
function needsRefresh(cred: OAuthCredential, now: number): boolean {
  if (cred.expiresAt === undefined) return false;
  const margin = Math.min(60_000, (cred.expiresAt - cred.issuedAt) / 10);
  return now >= cred.expiresAt - margin;
}

/** Runs `fn` while holding the lock `name` across replicas (Redis); else just runs it. */
export interface GrantLocks {
  run<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

const inProcess: GrantLocks = { run: (_name, fn) => fn() };

/** A grant's credential as the store holds it (sealed) and opened. */
type Read = { readonly sealed: string; readonly cred: UpstreamCredential; readonly newest: boolean };

export class CredentialVault {
  readonly #inflight = new Map<string, Promise<string>>();
  /** Upstream bearers resolved in the last minute: they serve while the store cannot answer. */
  readonly #recent = new RecentChecks<string>();

  constructor(
    private readonly store: AuthStore,
    private readonly sealer: Sealer,
    private readonly upstream: UpstreamOAuth | undefined,
    private readonly logger: VaultLogger,
    private readonly now: () => number = Date.now,
    private readonly locks: GrantLocks = inProcess,
  ) {}

  seal(grantId: string, credential: UpstreamCredential): string {
    return this.sealer.seal(JSON.stringify(credential), `grant:${grantId}`);
  }

  open(grantId: string, sealed: string): UpstreamCredential {
    return this.#unseal(grantId, sealed).cred;
  }

  #unseal(grantId: string, sealed: string): { cred: UpstreamCredential; newest: boolean } {
    try {
      const { plain, newest } = this.sealer.unseal(sealed, `grant:${grantId}`);
      return { cred: JSON.parse(plain) as UpstreamCredential, newest };
    } catch (error) {
      if (!(error instanceof SealError)) throw error;
      // Sealed with a secret the server no longer has (README "Rotating G8_MCP_SECRET").
      this.logger.warn({ grant: grantId }, `sealed credential cannot be opened: ${error.message}`);
      throw new CredentialError(
        'This connection to graph8 can no longer be opened on this server (its secret was changed). Reconnect the MCP server to sign in again.',
      );
    }
  }

  /** The string to send as `Authorization: Bearer …` upstream for this grant. */
  async forGrant(grantId: string): Promise<string> {
    const running = this.#inflight.get(grantId);
    if (running) return running;
    const task = this.#resolve(grantId).finally(() => this.#inflight.delete(grantId));
    this.#inflight.set(grantId, task);
    return task;
  }

  async #resolve(grantId: string): Promise<string> {
    let read: Read;
    try {
      read = await this.#read(grantId);
    } catch (error) {
      if (error instanceof CredentialError) throw error;
      // The store does not answer: a credential resolved here lately still serves; else, later.
      const recent = this.#recent.recall(grantId);
      if (recent !== undefined) return recent;
      throw new CredentialError('graph8 sign-ins cannot be read right now; try again shortly.', true);
    }
    const bearer = await this.#fromRead(grantId, read);
    this.#recent.remember(grantId, bearer, this.#expiryOf(read.cred));
    return bearer;
  }

  /** When an upstream credential stops being usable as it is (epoch ms); API keys do not expire. */
  #expiryOf(cred: UpstreamCredential): number {
    return cred.kind === 'oauth' && cred.expiresAt !== undefined ? cred.expiresAt : Number.POSITIVE_INFINITY;
  }

  async #fromRead(grantId: string, read: Read): Promise<string> {
    // Sealed with an older secret of the ring: sealed again with the newest, once.
    if (!read.newest) await this.#reseal(grantId, read.sealed, read.cred);
    const ready = this.#ready(read.cred);
    if (ready !== undefined) return ready;
    // Under the lock, read again: the lock's last holder (maybe another replica) may have refreshed.
    return this.locks.run(`grant:${grantId}`, async () => {
      const again = await this.#read(grantId);
      return this.#ready(again.cred) ?? this.#refresh(grantId, again.sealed, again.cred as OAuthCredential);
    });
  }

  /** The live grant's credential as sealed and opened. */
  async #read(grantId: string): Promise<Read> {
    const grant = await this.store.getGrant(grantId);
    if (!grant || grant.revokedAt !== null) {
      throw new CredentialError(
        'This connection to graph8 was revoked. Reconnect the MCP server to sign in again.',
      );
    }
    return { sealed: grant.credentialSealed, ...this.#unseal(grantId, grant.credentialSealed) };
  }

  /** The string to send upstream when the credential is good as it is; undefined when it needs a refresh. */
  #ready(cred: UpstreamCredential): string | undefined {
    if (cred.kind === 'api_key') return cred.key;
    if (!needsRefresh(cred, this.now())) return cred.accessToken;
    if (!this.upstream || !cred.refreshToken) {
      throw new CredentialError('Your graph8 sign-in expired. Reconnect the MCP server to sign in again.');
    }
    return undefined;
  }

  /**
   * Seals a credential again with the newest secret (after a rotation, on the grant's first use),
   * so the older secret can leave the ring sooner. Under the grant's lock, and only if the grant
   * still holds what was read: a refresh that wrote a newer credential meanwhile is never undone.
   * Best effort: the call goes on with the credential it opened.
   */
  async #reseal(grantId: string, sealed: string, cred: UpstreamCredential): Promise<void> {
    try {
      await this.locks.run(`grant:${grantId}`, async () => {
        const now = await this.store.getGrant(grantId);
        if (now?.revokedAt !== null || now.credentialSealed !== sealed) return;
        await this.store.updateGrantCredential(grantId, this.seal(grantId, cred));
        this.logger.info({ grant: grantId }, 'sealed the upstream credential again with the newest secret');
      });
    } catch (error) {
      this.logger.warn({ grant: grantId, err: String(error) }, 'could not seal the credential again');
    }
  }

  async #refresh(grantId: string, sealed: string, cred: OAuthCredential): Promise<string> {
    try {
      const fresh = await (this.upstream as UpstreamOAuth).refresh(cred.refreshToken as string);
      const next: UpstreamCredential = {
        ...oauthCredential(fresh),
        // Upstreams that do not rotate keep the refresh token they gave first.
        refreshToken: fresh.refreshToken ?? cred.refreshToken,
      };
      await this.store.updateGrantCredential(grantId, this.seal(grantId, next));
      this.logger.info({ grant: grantId }, 'refreshed the upstream graph8 token');
      return fresh.accessToken;
    } catch (error) {
      if (error instanceof UpstreamRefusedError) {
        // Someone else refreshed meanwhile (no shared lock, or it expired): use theirs, and keep
        // the grant. An upstream that rotates strictly (OAuth 2.1) has revoked theirs too on our
        // reuse, and its next call is refused upstream; the lock is what prevents that.
        const now = await this.store.getGrant(grantId);
        if (now && now.revokedAt === null && now.credentialSealed !== sealed) {
          const theirs = this.open(grantId, now.credentialSealed);
          if (theirs.kind === 'oauth' && !needsRefresh(theirs, this.now())) return theirs.accessToken;
        }
        // The upstream grant is gone: so is ours, and the client is asked to sign in again.
        await this.store.revokeGrant(grantId, this.now());
        this.logger.warn(
          { grant: grantId, error: error.error },
          'upstream refused the refresh; grant revoked',
        );
        throw new CredentialError('Your graph8 sign-in ended. Reconnect the MCP server to sign in again.');
      }
      this.logger.warn({ grant: grantId, err: String(error) }, 'could not refresh the upstream graph8 token');
      throw new CredentialError('graph8 sign-in could not be refreshed right now; try again shortly.', true);
    }
  }

  /** Revokes the upstream token of a grant, best effort (the grant itself is already revoked). */
  async revokeUpstream(grantId: string): Promise<void> {
    const grant = await this.store.getGrant(grantId);
    if (!grant || !this.upstream) return;
    const cred = this.open(grantId, grant.credentialSealed);
    if (cred.kind !== 'oauth') return;
    await this.upstream.revoke(cred.refreshToken ?? cred.accessToken).catch((error: unknown) => {
      this.logger.warn({ grant: grantId, err: String(error) }, 'upstream revocation failed');
    });
  }
}
