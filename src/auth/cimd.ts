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
import { InvalidClientError, TooManyRequestsError } from './errors.js';
import { checkRedirectUris, isLoopbackHost } from './redirects.js';

/** What the resolver needs of an answer: the body as a stream, so it can stop reading at the cap. */
export interface MetadataResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: AsyncIterable<Uint8Array> | null;
}

export type MetadataFetch = (
  url: string,
  init: { signal: AbortSignal; redirect: 'manual'; headers: Record<string, string> },
) => Promise<MetadataResponse>;

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
  /** Fetches under way at once, over all callers (default 4). */
  readonly maxConcurrent?: number;
  /** Fetches under way at once for one client address (default 2). */
  readonly maxConcurrentPerAddress?: number;
}

const MAX_BYTES = 5 * 1024;
const MIN_TTL_MS = 60_000;
const MAX_TTL_MS = 24 * 3_600_000;
const DEFAULT_TTL_MS = 3_600_000;
const MAX_CACHED = 500;
const MAX_CONCURRENT = 4;
const MAX_CONCURRENT_PER_ADDRESS = 2;

/**
 * IPv4 ranges that are not public unicast (RFC 6890 and the IANA special-purpose registry):
 * "this network", private, CGNAT, loopback, link-local, IETF protocol assignments, documentation,
 * 6to4 relay anycast, benchmarking, multicast, reserved and broadcast.
 */
const PRIVATE_V4 = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE_V4.addSubnet(net, bits, 'ipv4');
}

/** The 16 bytes of a valid IPv6 address (as isIP accepts it, zone id removed). */
function ipv6Bytes(address: string): number[] {
  let text = address;
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(2).map(Number) as [number, number, number, number];
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left = '', right] = text.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const l = groups(left);
  const r = right === undefined ? [] : groups(right);
  const all = [...l, ...new Array<number>(8 - l.length - r.length).fill(0), ...r];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

function v4At(bytes: readonly number[], at: number): string {
  return bytes.slice(at, at + 4).join('.');
}

/**
 * Whether an IP address is anything but public unicast. IPv4 is checked against IPv4 ranges only.
 * IPv6 must be global unicast (2000::/3) outside its special blocks; forms that carry an IPv4
 * address (mapped ::ffff:0:0/96, translated ::ffff:0:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16)
 * are judged by that address; IPv4-compatible (::/96), local NAT64 (64:ff9b:1::/48), Teredo and
 * the other IETF assignments (2001::/23), documentation, multicast (ff00::/8), unique-local and
 * link-local fall outside and are refused. A name (not an IP) is not judged here: false.
 */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return PRIVATE_V4.check(bare, 'ipv4');
  if (family !== 6) return false;
  const b = ipv6Bytes(bare);
  const word = (i: number) => (b[2 * i]! << 8) | b[2 * i + 1]!;
  if (word(0) === 0 && word(1) === 0 && word(2) === 0 && word(3) === 0) {
    if (word(4) === 0 && word(5) === 0xffff) return PRIVATE_V4.check(v4At(b, 12), 'ipv4'); // mapped
    if (word(4) === 0xffff && word(5) === 0) return PRIVATE_V4.check(v4At(b, 12), 'ipv4'); // translated
    return true; // ::, ::1, IPv4-compatible ::/96 and the rest of ::/64
  }
  if (word(0) === 0x64 && word(1) === 0xff9b) {
    if (word(2) === 0 && word(3) === 0 && word(4) === 0 && word(5) === 0) {
      return PRIVATE_V4.check(v4At(b, 12), 'ipv4'); // NAT64 well-known prefix
    }
    return true; // 64:ff9b:1::/48 (local-use NAT64) and the rest
  }
  if (word(0) === 0x2002) return PRIVATE_V4.check(v4At(b, 2), 'ipv4'); // 6to4
  if ((b[0]! & 0xe0) !== 0x20) return true; // not global unicast: ULA, link-local, multicast, reserved
  if (word(0) === 0x2001 && word(1) < 0x200) return true; // 2001::/23: Teredo, benchmarking, ORCHID…
  if (word(0) === 0x2001 && word(1) === 0xdb8) return true; // documentation
  if (word(0) === 0x3fff && word(1) < 0x1000) return true; // documentation (3fff::/20)
  return false;
}

/** Names that always mean this host (RFC 6761): refused without asking DNS. */
function isLocalName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/** A DNS lookup that refuses to hand a private address to the connection. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as unknown as { address: string; family: number }[];
    if (list.length === 0 || list.some((a) => isPrivateAddress(a.address))) {
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
  const res = await undici.fetch(url, { ...init, dispatcher: guardedAgent });
  return { status: res.status, headers: res.headers, body: res.body };
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
  if (!allowLoopbackHttp && (isPrivateAddress(url.hostname) || isLocalName(url.hostname))) {
    return 'names a private address';
  }
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

/** A refusal whose message is ours and safe to show the caller (never a network error's text). */
class DocumentRefusal extends Error {}

/** Reads at most MAX_BYTES of the body, stopping (and dropping the connection) past that. */
async function readCapped(body: AsyncIterable<Uint8Array> | null): Promise<string> {
  if (body === null) return '';
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.byteLength;
    // Leaving the loop cancels the stream: nothing past the cap is read.
    if (bytes > MAX_BYTES) throw new DocumentRefusal('document too large');
    chunks.push(chunk);
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
}

export class ClientMetadataResolver {
  readonly #fetch: MetadataFetch;
  readonly #allowLoopbackHttp: boolean;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #maxConcurrent: number;
  readonly #maxPerAddress: number;
  readonly #cache = new Map<string, { client: OAuthClientInformationFull; expiresAt: number }>();
  readonly #inflight = new Map<string, Promise<OAuthClientInformationFull>>();
  #running = 0;
  readonly #runningFor = new Map<string, number>();

  constructor(opts: CimdOptions = {}) {
    this.#fetch = opts.fetch ?? networkFetch;
    this.#allowLoopbackHttp = opts.allowLoopbackHttp ?? false;
    this.#timeoutMs = opts.timeoutMs ?? 5_000;
    this.#now = opts.now ?? Date.now;
    this.#maxConcurrent = opts.maxConcurrent ?? MAX_CONCURRENT;
    this.#maxPerAddress = opts.maxConcurrentPerAddress ?? MAX_CONCURRENT_PER_ADDRESS;
  }

  handles(clientId: string): boolean {
    return isMetadataUrl(clientId, this.#allowLoopbackHttp);
  }

  /**
   * The client a metadata document describes. `requester` is the address of the HTTP client that
   * asked (when known): a new fetch needs a free slot both overall and for that address, else
   * TooManyRequestsError; a fetch of the same document already under way is shared.
   */
  async resolve(clientId: string, requester?: string): Promise<OAuthClientInformationFull> {
    const cached = this.#cache.get(clientId);
    if (cached && cached.expiresAt > this.#now()) return cached.client;
    const pending = this.#inflight.get(clientId);
    if (pending) return pending;
    const problem = urlProblem(clientId, this.#allowLoopbackHttp);
    if (problem) throw new InvalidClientError(`client_id URL ${problem}`);
    const mine = requester === undefined ? 0 : (this.#runningFor.get(requester) ?? 0);
    if (this.#running >= this.#maxConcurrent || mine >= this.#maxPerAddress) {
      throw new TooManyRequestsError(
        'too many client metadata documents are being fetched at once; try again in a moment',
      );
    }
    this.#running += 1;
    if (requester !== undefined) this.#runningFor.set(requester, mine + 1);
    const load = this.#load(clientId).finally(() => {
      this.#inflight.delete(clientId);
      this.#running -= 1;
      if (requester !== undefined) {
        const left = (this.#runningFor.get(requester) ?? 1) - 1;
        if (left > 0) this.#runningFor.set(requester, left);
        else this.#runningFor.delete(requester);
      }
    });
    this.#inflight.set(clientId, load);
    return load;
  }

  async #load(clientId: string): Promise<OAuthClientInformationFull> {
    let res: MetadataResponse;
    let text: string;
    try {
      res = await this.#fetch(clientId, {
        signal: AbortSignal.timeout(this.#timeoutMs),
        redirect: 'manual',
        // identity: a compressed body would be inflated past the size cap before it could be counted.
        headers: { accept: 'application/json', 'accept-encoding': 'identity' },
      });
      if (res.status !== 200) {
        await discard(res.body);
        throw new DocumentRefusal(`HTTP ${res.status}`);
      }
      const encoding = (res.headers.get('content-encoding') ?? '').trim().toLowerCase();
      if (encoding !== '' && encoding !== 'identity') {
        await discard(res.body);
        throw new DocumentRefusal(
          `content-encoding ${encoding.slice(0, 40)} is not accepted (identity only)`,
        );
      }
      const declared = Number(res.headers.get('content-length') ?? 0);
      if (declared > MAX_BYTES) {
        await discard(res.body);
        throw new DocumentRefusal('document too large');
      }
      text = await readCapped(res.body);
    } catch (error) {
      // Only our own reasons go back to the (unauthenticated) caller: a network error's text names
      // addresses and ports, and tells a prober what is listening where.
      const reason = error instanceof DocumentRefusal ? ` (${error.message})` : '';
      throw new InvalidClientError(`client metadata document could not be fetched${reason}`);
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

/** Drops a body that will not be read (cancelling the stream rather than draining it). */
async function discard(body: AsyncIterable<Uint8Array> | null): Promise<void> {
  const stream = body as { cancel?: () => Promise<void> } | null;
  await stream?.cancel?.().catch(() => {});
}
