/**
 * The G8_MCP_SECRET key ring (src/auth/crypto.ts, src/auth/secret.ts, src/mcp/confirmation.ts):
 * the newest secret seals, older ones still open, and a value whose secret left the ring fails
 * with a SealError that names no secret and quotes no sealed text.
 */
import { hkdfSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SealError, Sealer } from '../../src/auth/crypto.js';
import { loadSecretRing, SECRET_FILE, SecretError } from '../../src/auth/secret.js';
import { Confirmations } from '../../src/mcp/confirmation.js';

const OLD = Buffer.from('o'.repeat(40));
const NEW = Buffer.from('n'.repeat(40));
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'g8-ring-'));
  dirs.push(dir);
  return dir;
}

describe('Sealer as a key ring', () => {
  it('opens what an older secret sealed after rotation, and seals with the newest only', () => {
    const sealed = new Sealer(OLD).seal('credential', 'grant:1');
    const rotated = new Sealer([NEW, OLD]);
    expect(rotated.open(sealed, 'grant:1')).toBe('credential');
    const fresh = rotated.seal('next', 'grant:2');
    expect(new Sealer(NEW).open(fresh, 'grant:2')).toBe('next');
    expect(() => new Sealer(OLD).open(fresh, 'grant:2')).toThrow(SealError);
  });

  it('without the old secret: a SealError that names no secret and quotes nothing sealed', () => {
    const sealed = new Sealer(OLD).seal('the-credential', 'grant:1');
    let error: unknown;
    try {
      new Sealer(NEW).open(sealed, 'grant:1');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SealError);
    const message = (error as Error).message;
    expect(message).toMatch(/opens with none of the 1 configured secret\(s\)/);
    for (const leak of [OLD.toString(), NEW.toString(), sealed, 'the-credential']) {
      expect(message).not.toContain(leak);
    }
  });

  it('the owner binding still holds across the ring', () => {
    const sealed = new Sealer(OLD).seal('credential', 'grant:1');
    expect(() => new Sealer([NEW, OLD]).open(sealed, 'grant:2')).toThrow(SealError);
    expect(() => new Sealer([NEW, OLD]).open('v1:garbage', 'grant:1')).toThrow(/not a sealed value/);
  });
});

describe('loadSecretRing', () => {
  it('G8_MCP_SECRET first, then G8_MCP_SECRET_PREVIOUS in order, then the directory’s generated secret', () => {
    const dir = dataDir();
    const generated = Buffer.from('g'.repeat(43));
    writeFileSync(join(dir, SECRET_FILE), `${generated.toString('base64url')}\n`, { mode: 0o600 });
    const ring = loadSecretRing(
      dir,
      NEW.toString(),
      ` ${OLD.toString()} ,${'p'.repeat(32)},${OLD.toString()}`,
    );
    expect(ring.map((k) => k.toString('utf8').slice(0, 1))).toEqual(['n', 'o', 'p', 'g']);
  });

  it('without G8_MCP_SECRET the generated secret seals and is the whole ring', () => {
    const ring = loadSecretRing(dataDir(), undefined, undefined);
    expect(ring).toHaveLength(1);
    expect(ring[0]?.length).toBe(32);
  });

  it('refuses a short previous secret by position, never by value', () => {
    expect(() => loadSecretRing(dataDir(), NEW.toString(), `${OLD.toString()},tooshort`)).toThrow(
      SecretError,
    );
    try {
      loadSecretRing(dataDir(), NEW.toString(), `${OLD.toString()},tooshort`);
    } catch (e) {
      expect((e as Error).message).toMatch(/secret 2 of 2 is shorter than 32 characters/);
      expect((e as Error).message).not.toContain('tooshort');
    }
  });
});

describe('confirmation states across a rotation', () => {
  const key = (s: Buffer) => new Uint8Array(hkdfSync('sha256', s, 'g8-mcp-server', 'request-state-v1', 32));

  it('a token minted under the old secret redeems after rotation, and not once the old secret is gone', async () => {
    const token = await new Confirmations({ key: key(OLD) }).token('key:a', 'g8_delete_contact', { id: 1 });
    const rotated = new Confirmations({ key: key(NEW), previousKeys: [key(OLD)] });
    expect((await rotated.redeem(token, 'key:a', 'g8_delete_contact', { id: 1 })).kind).toBe('accepted');
    expect((await rotated.redeem(token, 'key:a', 'g8_delete_contact', { id: 2 })).kind).toBe('mismatch');
    const dropped = new Confirmations({ key: key(NEW) });
    expect((await dropped.redeem(token, 'key:a', 'g8_delete_contact', { id: 1 })).kind).toBe('invalid');
  });
});
