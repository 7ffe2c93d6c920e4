/**
 * The few cryptographic primitives remote mode needs: random opaque tokens, SHA-256 lookup hashes,
 * constant-time comparison, and sealing a secret (an upstream credential) with AES-256-GCM.
 *
 * Tokens are opaque random strings, never JWTs: only this server can say what one means, and a
 * database leak yields hashes, not usable credentials.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/** 32 random bytes as base64url (43 chars) after a readable prefix such as `mcp_at_`. */
export function randomToken(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function sha256Base64Url(text: string): string {
  return createHash('sha256').update(text, 'ascii').digest('base64url');
}

/** Equal-length comparison in constant time; different lengths are simply unequal. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** RFC 7636 S256: BASE64URL(SHA256(ASCII(verifier))) must equal the challenge. */
export function pkceMatches(verifier: string, challenge: string): boolean {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return false;
  return safeEqual(sha256Base64Url(verifier), challenge);
}

const SEAL_VERSION = 'v1';

/** A sealed value that no key of the ring opens: altered, for another owner, or sealed with a
 * secret this server no longer has. The message names no secret and no sealed text. */
export class SealError extends Error {}

function keyOf(secret: Buffer): Buffer {
  if (secret.length < 32) throw new Error('the server secret must be at least 32 bytes');
  return Buffer.from(hkdfSync('sha256', secret, 'g8-mcp-server', 'sealed-credential-v1', 32));
}

/**
 * AES-256-GCM with keys derived (HKDF-SHA256) from the server's secrets: a key ring, so that
 * G8_MCP_SECRET can be rotated. The newest secret seals; every one in the ring opens (tried newest
 * first; GCM's tag says which fits, so a ring of a few keys costs a few failed tag checks at most).
 * The additional data binds a sealed value to its owner (a grant id), so a sealed blob copied onto
 * another row does not open. Format: `v1:<iv b64url>:<ciphertext b64url>:<tag b64url>`.
 */
export class Sealer {
  readonly #keys: readonly Buffer[];

  /** `secrets`: the newest first (it seals); the older ones only open. */
  constructor(secrets: Buffer | readonly Buffer[]) {
    const ring = Buffer.isBuffer(secrets) ? [secrets] : secrets;
    if (ring.length === 0) throw new Error('the key ring needs at least one secret');
    this.#keys = ring.map(keyOf);
  }

  seal(plain: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#keys[0] as Buffer, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [SEAL_VERSION, iv, body, tag]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join(':');
  }

  /** Throws SealError when the value was altered, is for another owner, or no secret of the ring sealed it. */
  open(sealed: string, aad: string): string {
    return this.unseal(sealed, aad).plain;
  }

  /** As open, and whether the newest secret sealed it (else it is worth sealing again). */
  unseal(sealed: string, aad: string): { plain: string; newest: boolean } {
    const [version, iv, body, tag] = sealed.split(':');
    if (version !== SEAL_VERSION || !iv || body === undefined || !tag) {
      throw new SealError('not a sealed value of this server');
    }
    for (const [i, key] of this.#keys.entries()) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(aad, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
        return { plain: plain.toString('utf8'), newest: i === 0 };
      } catch {
        // Not this key (or altered): try the next, older one.
      }
    }
    throw new SealError(
      `the sealed value opens with none of the ${this.#keys.length} configured secret(s): it was sealed with a secret no longer in G8_MCP_SECRET or G8_MCP_SECRET_PREVIOUS, or altered`,
    );
  }
}
