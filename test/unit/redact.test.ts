/** The redactor on its own: every form of a credential that must never reach a client. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactorFor } from '../../src/mcp/redact.js';

const KEY = `g8_live_${randomBytes(20).toString('hex')}`;
const r = redactorFor(KEY);

describe('redactor', () => {
  it.each([
    ['exact', `echo ${KEY} done`],
    ['bearer', `Authorization: Bearer ${KEY}`],
    ['base64', `Basic ${Buffer.from(`user:${KEY}`).toString('base64')}`],
    ['base64 alone', Buffer.from(KEY).toString('base64')],
    ['base64 at offset 2', Buffer.from(`ab${KEY}`).toString('base64')],
    ['base64url', Buffer.from(`x${KEY}?`).toString('base64url')],
    ['a 12-character prefix', `prefix ${KEY.slice(0, 12)}!`],
    ['a 12-character inner run', `…${KEY.slice(17, 29)}…`],
    ['another key', `other g8_test_${'Ab9_'.repeat(6)} here`],
  ])('%s is redacted', (_name, text) => {
    const out = r.text(text);
    expect(out).toContain(REDACTED);
    expect(out).not.toContain(KEY.slice(8, 20));
    expect(out).not.toMatch(/g8_(live|test)_[A-Za-z0-9_-]{10,}/);
  });

  it('a longer leaked run is redacted whole, not just 12 characters of it', () => {
    expect(r.text(`<${KEY.slice(5, 40)}>`)).toBe(`<${REDACTED}>`);
  });

  it('11 characters, the bare prefix and ordinary text pass unchanged', () => {
    for (const text of [KEY.slice(10, 21), 'G8_API_KEY=g8_live_…', 'g8_live_ab12', 'hello world']) {
      expect(r.text(text)).toBe(text);
    }
  });

  it('values without key-like text come back as the same object; others are copied', () => {
    const clean = { a: [{ b: 'x', c: 1 }], d: null };
    expect(r.value(clean)).toBe(clean);
    const dirty = { a: [{ b: KEY, c: 1 }], [KEY]: 2, d: 'ok' };
    const out = r.value(dirty);
    expect(JSON.stringify(out)).not.toContain(KEY);
    expect(out.d).toBe('ok');
    expect(dirty.a[0]?.b).toBe(KEY);
  });

  it('without a credential only key shapes are redacted', () => {
    expect(redactorFor(undefined).text(`k=${KEY}`)).toBe(`k=${REDACTED}`);
  });
});
