/**
 * The consent flow behind /authorize: show the page (begin), take the user's choice (submit), come
 * back from the upstream sign-in (callback), and finally hand the client its code.
 *
 * A pending request is bound to the browser (consent cookie) and to the page (CSRF token); both
 * are stored hashed. The upstream `state` and PKCE verifier are this server's own, not the MCP
 * client's: the two legs never share a secret.
 */
import { randomBytes } from 'node:crypto';
import type { OAuthClientInformationFull } from '@modelcontextprotocol/server';
import type { Request, Response } from 'express';
import * as oauth from 'oauth4webapi';
import { type ApiKeyVerifier, looksLikeApiKey, subjectOf } from '../api-keys.js';
import type { ClientRegistry } from '../clients.js';
import {
  type CredentialVault,
  type OAuthCredential,
  oauthCredential,
  type UpstreamCredential,
} from '../credentials.js';
import { randomToken, SealError, type Sealer, safeEqual, sha256Hex } from '../crypto.js';
import type { AuthorizationParams } from '../provider.js';
import { redirectLabel, redirectSource } from '../redirects.js';
import { checkResource } from '../resource.js';
import { grantedScopes, SCOPES } from '../scopes.js';
import type { AuthStore, PendingAuthorization } from '../store.js';
import type { TokenService } from '../tokens.js';
import { type UpstreamOAuth, UpstreamRefusedError } from '../upstream.js';
import { CONSENT_COOKIE, consentCookie, readCookie } from './cookies.js';
import { pageHeaders, renderConsent, renderMessage } from './page.js';

const PENDING_TTL_MS = 10 * 60_000;

export interface ConsentLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ConsentDeps {
  readonly store: AuthStore;
  readonly clients: ClientRegistry;
  readonly tokens: TokenService;
  readonly vault: CredentialVault;
  readonly sealer: Sealer;
  readonly apiKeys: ApiKeyVerifier;
  readonly upstream: UpstreamOAuth | undefined;
  /** This server's public URL: its origin is the issuer and the only origin forms may come from. */
  readonly publicUrl: URL;
  readonly canonicalResource: string;
  readonly logger: ConsentLogger;
  readonly now?: () => number;
}

interface FormFields {
  request?: unknown;
  csrf?: unknown;
  action?: unknown;
  api_key?: unknown;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export class ConsentFlow {
  readonly #d: ConsentDeps;
  readonly #now: () => number;
  readonly #secure: boolean;

  constructor(deps: ConsentDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
    this.#secure = deps.publicUrl.protocol === 'https:';
  }

  /** GET /authorize, after the endpoint validated client_id and redirect_uri. */
  async begin(client: OAuthClientInformationFull, params: AuthorizationParams, res: Response): Promise<void> {
    // Both throw OAuth errors the endpoint turns into a redirect back to the client.
    const resource = checkResource(params.resource, this.#d.canonicalResource);
    const scopes = grantedScopes(params.scopes);
    const browser = readCookie(res.req.headers.cookie, CONSENT_COOKIE) ?? randomToken();
    const requestId = randomToken();
    const csrf = randomToken();
    const pending: PendingAuthorization = {
      idHash: sha256Hex(requestId),
      browserHash: sha256Hex(browser),
      csrfHash: sha256Hex(csrf),
      clientId: client.client_id,
      redirectUri: params.redirectUri,
      codeChallenge: params.codeChallenge,
      state: params.state,
      scopes,
      resource,
      expiresAt: this.#now() + PENDING_TTL_MS,
    };
    await this.#d.store.putPending(pending);
    res.setHeader('Set-Cookie', consentCookie(browser, this.#secure, PENDING_TTL_MS / 1000));
    await this.#render(res, 200, client, pending, requestId, csrf);
  }

  /** POST /authorize/consent: the user chose a way in (or cancelled). */
  async submit(req: Request, res: Response): Promise<void> {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== this.#d.publicUrl.origin) {
      return this.#message(
        res,
        403,
        'Request refused',
        'This form can only be sent from this server’s own page.',
      );
    }
    const form = (req.body ?? {}) as FormFields;
    const requestId = text(form.request);
    const csrf = text(form.csrf);
    const pending = requestId ? await this.#d.store.getPending(sha256Hex(requestId)) : undefined;
    if (!pending || pending.expiresAt <= this.#now()) return this.#expired(res);
    if (!this.#sameBrowser(req, pending) || !safeEqual(sha256Hex(csrf), pending.csrfHash)) {
      return this.#message(
        res,
        403,
        'Request refused',
        'This sign-in form could not be verified. Start again from your app.',
      );
    }
    const action = text(form.action);
    if (action === 'deny') {
      await this.#d.store.deletePending(pending.idHash);
      return this.#redirectError(res, pending, 'access_denied', 'The user cancelled the sign-in');
    }
    if (action === 'api_key')
      return this.#useApiKey(res, pending, requestId, csrf, text(form.api_key).trim());
    if (action === 'graph8') return this.#toUpstream(res, pending);
    return this.#message(res, 400, 'Unknown choice', 'Pick one of the buttons on the sign-in page.');
  }

  /** GET /oauth/callback: the upstream sign-in came back. */
  async callback(req: Request, res: Response): Promise<void> {
    const upstream = this.#d.upstream;
    const state = text(req.query.state);
    const pending = state ? await this.#d.store.getPendingByUpstreamState(sha256Hex(state)) : undefined;
    if (!upstream || !pending || pending.expiresAt <= this.#now() || !pending.upstreamVerifierSealed) {
      return this.#expired(res);
    }
    if (!this.#sameBrowser(req, pending)) {
      return this.#message(res, 403, 'Request refused', 'This sign-in was started in another browser.');
    }
    let verifier: string;
    try {
      verifier = this.#d.sealer.open(pending.upstreamVerifierSealed, `pending:${pending.idHash}`);
    } catch (error) {
      // Sealed under a secret since removed from the ring: this sign-in simply starts again.
      if (error instanceof SealError) return this.#expired(res);
      throw error;
    }
    const callbackUrl = new URL(req.originalUrl, this.#d.publicUrl);
    let credential: OAuthCredential;
    try {
      credential = oauthCredential(await upstream.exchange(callbackUrl, state, verifier));
    } catch (error) {
      if (error instanceof UpstreamRefusedError && error.error === 'access_denied') {
        await this.#d.store.deletePending(pending.idHash);
        return this.#redirectError(res, pending, 'access_denied', 'The graph8 sign-in was declined');
      }
      this.#d.logger.warn({ err: errorText(error) }, 'upstream sign-in failed');
      return this.#message(
        res,
        502,
        'graph8 sign-in failed',
        'graph8 did not complete the sign-in. Start again from your app.',
      );
    }
    const me = await this.#d.apiKeys.describe(credential.accessToken);
    if (!me.ok) {
      return this.#message(
        res,
        502,
        'graph8 sign-in failed',
        'graph8 did not accept the new sign-in. Try again.',
      );
    }
    await this.#finish(res, pending, credential, subjectOf(me.identity));
  }

  async #useApiKey(
    res: Response,
    pending: PendingAuthorization,
    requestId: string,
    csrf: string,
    key: string,
  ): Promise<void> {
    const client = await this.#d.clients.getClient(pending.clientId);
    if (!client) return this.#expired(res);
    if (!looksLikeApiKey(key)) {
      return this.#render(
        res,
        400,
        client,
        pending,
        requestId,
        csrf,
        'That is not a graph8 API key (g8_live_… or g8_test_…).',
      );
    }
    const check = await this.#d.apiKeys.verify(key);
    if (!check.ok) {
      const why =
        check.reason === 'refused'
          ? 'graph8 refused that API key. Check it is current and copied in full.'
          : 'graph8 could not be reached to check the key. Try again in a moment.';
      return this.#render(res, check.reason === 'refused' ? 400 : 503, client, pending, requestId, csrf, why);
    }
    await this.#finish(res, pending, { kind: 'api_key', key }, subjectOf(check.identity));
  }

  async #toUpstream(res: Response, pending: PendingAuthorization): Promise<void> {
    const upstream = this.#d.upstream;
    if (!upstream)
      return this.#message(res, 400, 'Not available', 'Sign in with graph8 is not set up on this server.');
    const state = oauth.generateRandomState();
    const verifier = oauth.generateRandomCodeVerifier();
    await this.#d.store.setPendingUpstream(
      pending.idHash,
      sha256Hex(state),
      this.#d.sealer.seal(verifier, `pending:${pending.idHash}`),
    );
    let target: URL;
    try {
      target = await upstream.authorizationUrl(state, verifier);
    } catch (error) {
      this.#d.logger.warn({ err: errorText(error) }, 'upstream discovery failed');
      return this.#message(
        res,
        502,
        'graph8 sign-in unavailable',
        'graph8 could not be reached. Try again shortly.',
      );
    }
    res.redirect(303, target.href);
  }

  async #finish(
    res: Response,
    pending: PendingAuthorization,
    credential: UpstreamCredential,
    subject: string,
  ) {
    const grantId = `grt_${randomBytes(16).toString('hex')}`;
    await this.#d.store.createGrant({
      id: grantId,
      clientId: pending.clientId,
      scopes: pending.scopes,
      resource: pending.resource,
      credentialKind: credential.kind,
      credentialSealed: this.#d.vault.seal(grantId, credential),
      subject,
      createdAt: this.#now(),
      revokedAt: null,
    });
    const code = await this.#d.tokens.issueCode(pending, grantId);
    await this.#d.store.deletePending(pending.idHash);
    this.#d.logger.info(
      { grant: grantId, client: pending.clientId, via: credential.kind },
      'authorization granted',
    );
    const target = new URL(pending.redirectUri);
    target.searchParams.set('code', code);
    if (pending.state !== undefined) target.searchParams.set('state', pending.state);
    target.searchParams.set('iss', this.#d.publicUrl.href);
    res.redirect(303, target.href);
  }

  #sameBrowser(req: Request, pending: PendingAuthorization): boolean {
    const browser = readCookie(req.headers.cookie, CONSENT_COOKIE);
    return browser !== undefined && safeEqual(sha256Hex(browser), pending.browserHash);
  }

  #redirectError(res: Response, pending: PendingAuthorization, error: string, description: string): void {
    const target = new URL(pending.redirectUri);
    target.searchParams.set('error', error);
    target.searchParams.set('error_description', description);
    if (pending.state !== undefined) target.searchParams.set('state', pending.state);
    target.searchParams.set('iss', this.#d.publicUrl.href);
    res.redirect(303, target.href);
  }

  async #render(
    res: Response,
    status: number,
    client: OAuthClientInformationFull,
    pending: PendingAuthorization,
    requestId: string,
    csrf: string,
    error?: string,
  ): Promise<void> {
    const targets = [redirectSource(pending.redirectUri)];
    let upstreamAvailable = false;
    if (this.#d.upstream) {
      try {
        targets.push(await this.#d.upstream.authorizationOrigin());
        upstreamAvailable = true;
      } catch (err) {
        this.#d.logger.warn({ err: errorText(err) }, 'upstream discovery failed; offering the API key only');
      }
    }
    const metadataHost = /^https?:\/\//.test(client.client_id) ? new URL(client.client_id).host : undefined;
    const html = renderConsent({
      clientName: client.client_name?.trim() || metadataHost || 'An MCP client',
      clientHost: metadataHost,
      redirectTo: redirectLabel(pending.redirectUri),
      serverHost: this.#d.publicUrl.host,
      scopes: pending.scopes.map((name) => ({ name, description: SCOPES[name] ?? name })),
      requestId,
      csrf,
      upstreamAvailable,
      error,
    });
    res.status(status).set(pageHeaders(targets)).type('html').send(html);
  }

  #expired(res: Response): void {
    this.#message(
      res,
      400,
      'Sign-in expired',
      'This sign-in request expired or was already used. Start again from your app.',
    );
  }

  #message(res: Response, status: number, title: string, body: string): void {
    res.status(status).set(pageHeaders([])).type('html').send(renderMessage(title, body));
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
