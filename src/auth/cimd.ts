/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document, MCP 2025-11-25): a
 * client_id that is an https URL names a JSON document describing the client. We fetch it (small,
 * quick, no redirects, never to a private address), check that it names itself, validate it and
 * cache it for as long as its Cache-Control allows (within bounds).
 */
import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { OAuthClientInformationFull } from '@modelcontextprotocol/server';
import type { Agent } from 'undici';
import { ClientMetadataSchema } from './clients.js';
import { InvalidClientError } from './errors.js';
import { checkRedirectUris, isLoopbackHost } from './redirects.js';

export type MetadataFetch = (
  url: string,
  init: { signal: AbortSignal; redirect: 'manual'; headers: Record<string, string> },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

export interface CimdOptions {
  /** Replaces the network fetch (tests). */
  readonly fetch?: MetadataFetch;
  /**
   * Test-only: also accept `http://127.0.0.1:<port>/…` client ids and let the fetch reach
   * loopback. Never set from configuration.
   */
  readonly allowLoopbackHttp?: boolean;
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

const MAX_BYTES = 5 * 1024;
const MIN_TTL_MS = 60_000;
const MAX_TTL_MS = 24 * 3_600_000;
const DEFAULT_TTL_MS = 3_600_000;
const MAX_CACHED = 500;

/** Addresses a metadata fetch must never reach (SSRF): loopback, private, link-local, CGNAT. */
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['::ffff:0:0', 96],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv6');
}

function isPrivate(address: string): boolean {
  const family = isIP(address);
  return family !== 0 && PRIVATE.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** A DNS lookup that refuses to hand a private address to the connection. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as unknown as { address: string; family: number }[];
    if (list.length === 0 || list.some((a) => isPrivate(a.address))) {
      return callback(new Error(`${hostname} resolves to a private address`), '', 0);
    }
    if ((options as { all?: boolean }).all)
      return (callback as unknown as (e: null, a: unknown) => void)(null, list);
    const first = list[0]!;
    callback(null, first.address, first.family);
  });
};

let guardedAgent: Agent | undefined;

// undici as a whole (fetch) loads on the first metadata document, not at start-up: most servers
// never fetch one, and the REST client needs only undici's Pool (src/api/undici-pool.ts).
const networkFetch: MetadataFetch = async (url, init) => {
  const undici = await import('undici');
  guardedAgent ??= new undici.Agent({ connect: { lookup: publicOnlyLookup, timeout: 5_000 } });
  return undici.fetch(url, { ...init, dispatcher: guardedAgent });
};

/** Is this client_id a metadata-document URL (as opposed to a registered id)? */
export function isMetadataUrl(clientId: string, allowLoopbackHttp = false): boolean {
  if (!/^https?:\/\//i.test(clientId)) return false;
  try {
    const url = new URL(clientId);
    if (url.protocol === 'http:') return allowLoopbackHttp && isLoopbackHost(url.hostname);
    return url.protocol === 'https:';
  } catch {
    return false;
  }
}

function urlProblem(clientId: string, allowLoopbackHttp: boolean): string | undefined {
  const url = new URL(clientId);
  if (url.protocol !== 'https:' && !(allowLoopbackHttp && url.protocol === 'http:')) return 'must be https';
  if (url.pathname === '/' || url.pathname === '') return 'must have a path';
  if (url.hash || url.username || url.password) return 'must not carry a fragment or credentials';
  if (url.pathname.split('/').some((s) => s === '.' || s === '..')) return 'must not contain dot segments';
  if (clientId.length > 2048) return 'is too long';
  if (!allowLoopbackHttp && isPrivate(url.hostname.replace(/^\[|\]$/g, ''))) return 'names a private address';
  return undefined;
}

function ttlFrom(cacheControl: string | null): number {
  const maxAge = /max-age=(\d+)/i.exec(cacheControl ?? '')?.[1];
  if (/no-store|no-cache/i.test(cacheControl ?? '')) return MIN_TTL_MS;
  const ms = maxAge === undefined ? DEFAULT_TTL_MS : Number(maxAge) * 1000;
  return Math.min(MAX_TTL_MS, Math.max(MIN_TTL_MS, ms));
}

/** Validates a fetched document; returns the client as this server will treat it. */
export function clientFromDocument(clientId: string, body: unknown): OAuthClientInformationFull {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidClientError('client metadata document is not a JSON object');
  }
  const doc = body as Record<string, unknown>;
  if (doc.client_id !== clientId) {
    throw new InvalidClientError('client metadata document does not name itself as client_id');
  }
  if ('client_secret' in doc || 'client_secret_expires_at' in doc) {
    throw new InvalidClientError('client metadata document must not contain a client secret');
  }
  const parsed = ClientMetadataSchema.safeParse(doc);
  if (!parsed.success) {
    throw new InvalidClientError(`client metadata document is invalid: ${parsed.error.issues[0]?.message}`);
  }
  const meta = parsed.data;
  if (meta.token_endpoint_auth_method !== undefined && meta.token_endpoint_auth_method !== 'none') {
    throw new InvalidClientError(
      'this server supports only public clients (token_endpoint_auth_method "none")',
    );
  }
  if (meta.grant_types?.some((g) => g !== 'authorization_code' && g !== 'refresh_token')) {
    throw new InvalidClientError('client metadata document asks for an unsupported grant type');
  }
  try {
    checkRedirectUris(meta.redirect_uris);
  } catch (error) {
    throw new InvalidClientError(`client metadata document: ${(error as Error).message}`);
  }
  return { ...meta, client_id: clientId, token_endpoint_auth_method: 'none' };
}

export class ClientMetadataResolver {
  readonly #fetch: MetadataFetch;
  readonly #allowLoopbackHttp: boolean;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, { client: OAuthClientInformationFull; expiresAt: number }>();
  readonly #inflight = new Map<string, Promise<OAuthClientInformationFull>>();

  constructor(opts: CimdOptions = {}) {
    this.#fetch = opts.fetch ?? networkFetch;
    this.#allowLoopbackHttp = opts.allowLoopbackHttp ?? false;
    this.#timeoutMs = opts.timeoutMs ?? 5_000;
    this.#now = opts.now ?? Date.now;
  }

  handles(clientId: string): boolean {
    return isMetadataUrl(clientId, this.#allowLoopbackHttp);
  }

  async resolve(clientId: string): Promise<OAuthClientInformationFull> {
    const cached = this.#cache.get(clientId);
    if (cached && cached.expiresAt > this.#now()) return cached.client;
    let pending = this.#inflight.get(clientId);
    if (!pending) {
      pending = this.#load(clientId).finally(() => this.#inflight.delete(clientId));
      this.#inflight.set(clientId, pending);
    }
    return pending;
  }

  async #load(clientId: string): Promise<OAuthClientInformationFull> {
    const problem = urlProblem(clientId, this.#allowLoopbackHttp);
    if (problem) throw new InvalidClientError(`client_id URL ${problem}`);
    let res: Awaited<ReturnType<MetadataFetch>>;
    let text: string;
    try {
      res = await this.#fetch(clientId, {
        signal: AbortSignal.timeout(this.#timeoutMs),
        redirect: 'manual',
        headers: { accept: 'application/json' },
      });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      const declared = Number(res.headers.get('content-length') ?? 0);
      if (declared > MAX_BYTES) throw new Error('document too large');
      text = await res.text();
      if (Buffer.byteLength(text) > MAX_BYTES) throw new Error('document too large');
    } catch (error) {
      // undici reports "fetch failed" and keeps the reason (e.g. the private-address refusal) as the cause.
      const reason = ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
      throw new InvalidClientError(`client metadata document could not be fetched (${reason})`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new InvalidClientError('client metadata document is not JSON');
    }
    const client = clientFromDocument(clientId, body);
    if (this.#cache.size >= MAX_CACHED) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.set(clientId, { client, expiresAt: this.#now() + ttlFrom(res.headers.get('cache-control')) });
    return client;
  }
}
