/**
 * Credential redaction for everything the server answers (server.ts applies it to every handler's
 * result and error). Covers the caller's credential exactly, its base64 and base64url forms at any
 * byte alignment, any run of 12 or more characters of either, and any other graph8-key-shaped
 * text. A result with nothing key-like is returned as the same object: it is walked, never
 * re-serialised or copied.
 */

export const REDACTED = '[redacted]';

/** The shortest run of a credential (or of its base64 form) that counts as a leak. */
export const MIN_LEAK = 12;

/** Any graph8 API key, whoever's: `g8_live_`/`g8_test_` and at least 10 key characters. */
const KEY_SHAPE = /g8_(?:live|test)_[A-Za-z0-9_-]{10,}/g;
const KEY_PREFIX = /g8_(?:live|test)_/;

/** Runs of this many characters are looked up; every 12-character run contains one aligned block. */
const BLOCK = MIN_LEAK / 2;

interface Needle {
  readonly text: string;
  /** Aligned blocks `[offset, text]`; empty for a needle shorter than MIN_LEAK (exact match only). */
  readonly blocks: readonly (readonly [number, string])[];
}

export interface Redactor {
  /** The text with every leak replaced by `[redacted]` (the same string when there is none). */
  text(s: string): string;
  /** A JSON-like value with every string (keys too) redacted; the same object when nothing changed. */
  value<T>(v: T): T;
}

/**
 * The credential's base64 at each of the three byte alignments it can have inside a longer
 * encoded text, without the edge characters that depend on the bytes around it.
 */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const cores: string[] = [];
  for (const pad of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(pad), bytes])
      .toString('base64')
      .replace(/=+$/, '');
    const skip = pad === 0 ? 0 : pad + 1;
    const cut = (pad + bytes.length) % 3 === 0 ? encoded.length : encoded.length - 1;
    const core = encoded.slice(skip, cut);
    if (core.length) cores.push(core, core.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return cores;
}

function needle(text: string): Needle {
  const blocks: [number, string][] = [];
  if (text.length >= MIN_LEAK) {
    for (let at = 0; at + BLOCK <= text.length; at += BLOCK) blocks.push([at, text.slice(at, at + BLOCK)]);
  }
  return { text, blocks };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Adds the spans of `s` that leak `n`: exact for a short needle, else every 12+ run. */
function spansOf(s: string, n: Needle, out: [number, number][]): void {
  if (!n.blocks.length) {
    for (let at = s.indexOf(n.text); at !== -1; at = s.indexOf(n.text, at + 1))
      out.push([at, at + n.text.length]);
    return;
  }
  const t = n.text;
  for (const [offset, block] of n.blocks) {
    for (let at = s.indexOf(block); at !== -1; at = s.indexOf(block, at + 1)) {
      let start = at;
      let from = offset;
      while (start > 0 && from > 0 && s.charCodeAt(start - 1) === t.charCodeAt(from - 1)) {
        start--;
        from--;
      }
      let end = at + BLOCK;
      let to = offset + BLOCK;
      while (end < s.length && to < t.length && s.charCodeAt(end) === t.charCodeAt(to)) {
        end++;
        to++;
      }
      if (end - start >= MIN_LEAK) out.push([start, end]);
    }
  }
}

function build(secrets: readonly string[]): Redactor {
  const needles = [...new Set(secrets.filter(Boolean).flatMap((s) => [s, ...base64Cores(s)]))].map(needle);
  // One cheap test per string decides whether it needs the precise scan.
  const parts = [KEY_PREFIX.source];
  for (const n of needles) {
    if (n.blocks.length) for (const [, b] of n.blocks) parts.push(escapeRegExp(b));
    else parts.push(escapeRegExp(n.text));
  }
  const suspect = new RegExp([...new Set(parts)].join('|'));
  const shortest = Math.min(MIN_LEAK, ...needles.map((n) => n.text.length));

  function text(s: string): string {
    if (s.length < shortest || !suspect.test(s)) return s;
    const spans: [number, number][] = [];
    for (const n of needles) spansOf(s, n, spans);
    for (const m of s.matchAll(KEY_SHAPE)) spans.push([m.index, m.index + m[0].length]);
    if (!spans.length) return s;
    spans.sort((a, b) => a[0] - b[0]);
    let out = '';
    let last = 0;
    for (const [start, end] of spans) {
      if (end <= last) continue;
      if (start >= last) out += s.slice(last, start) + REDACTED;
      last = end;
    }
    return out + s.slice(last);
  }

  function value<T>(v: T): T {
    if (typeof v === 'string') return text(v) as T;
    if (typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const next = value(v[i]);
        if (next !== v[i]) {
          copy ??= v.slice();
          copy[i] = next;
        }
      }
      return (copy ?? v) as T;
    }
    let copy: Record<string, unknown> | undefined;
    const obj = v as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      const item = obj[key];
      const nextKey = text(key);
      const next = value(item);
      if (nextKey === key && next === item) continue;
      copy ??= { ...obj };
      if (nextKey !== key) delete copy[key];
      copy[nextKey] = next;
    }
    return (copy ?? v) as T;
  }

  return { text, value };
}

/** Redactors by credential, so a caller's needles are built once (remote mode sees many keys). */
const cache = new Map<string, Redactor>();
const CACHE_MAX = 1_000;

export function redactorFor(secret: string | undefined): Redactor {
  const id = secret ?? '';
  let r = cache.get(id);
  if (r) return r;
  r = build(secret ? [secret] : []);
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(id, r);
  return r;
}
