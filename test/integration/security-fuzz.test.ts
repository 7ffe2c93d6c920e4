/**
 * Bounded fuzz through the built stdio server (issue 17): random path parameters, argument names
 * and credential-shaped backend answers. Nothing malformed is sent upstream, and no credential
 * comes back in any answer.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Recorded, type RecordingServer, startRecordingServer } from '../helpers/recording-server.js';
import { type StdioSession, startStdio } from '../helpers/stdio.js';

const KEY = `g8_live_${randomBytes(24).toString('base64url')}`;
const KEY_SHAPE = /g8_(live|test)_[A-Za-z0-9_-]{10,}/;

let backend: RecordingServer;
let session: StdioSession;
/** What the backend answers with next (the credential-shaped property sets it). */
let echo: unknown = { ok: true };

const acting = () => backend.requests.filter((r: Recorded) => r.path !== '/api/v1/me');

beforeAll(async () => {
  backend = await startRecordingServer();
  session = await startStdio({
    G8_API_KEY: KEY,
    G8_API_URL: backend.url,
    G8_PACE: 'off',
    G8_CONFIRM: 'never',
    G8_DISCOVERY: 'off',
  });
}, 30_000);
afterAll(async () => {
  await session?.close();
  await backend?.close();
});
beforeEach(() => {
  backend.reset();
  backend.setHandler((req) =>
    req.path === '/api/v1/me'
      ? { status: 200, body: { data: { unrestricted: true } } }
      : { status: 200, body: { data: echo } },
  );
});

/** Strings that try to be a path segment of their own, or no valid one. */
const segment = fc.oneof(
  fc.constantFrom(
    '.',
    '..',
    '',
    '%2e',
    '%2E%2e',
    './',
    '../x',
    '/',
    '?',
    '#',
    'a/..',
    '\ud800',
    '\udfff',
    'x\ud83d',
  ),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.stringMatching(/^[a-z0-9_]{1,12}$/),
);

/** A value no path segment can carry: the server must refuse it. */
const unsendable = (v: string) =>
  v === '' ||
  v === '.' ||
  v === '..' ||
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v);

describe('path parameters', () => {
  it('a tool sends one well-formed segment or nothing', async () => {
    await fc.assert(
      fc.asyncProperty(segment, async (id) => {
        backend.reset();
        const res = (await session.client.callTool({
          name: 'g8_delete_sequence',
          arguments: { sequence_id: id },
        })) as {
          structuredContent?: { error?: { code?: string } };
        };
        const sent = acting();
        if (unsendable(id)) {
          expect(res.structuredContent?.error?.code).toBe('invalid_arguments');
          expect(sent).toEqual([]);
          return;
        }
        expect(sent).toHaveLength(1);
        const m = /^\/api\/v1\/sequences\/([^/]+)$/.exec(sent[0]?.path ?? '');
        expect(m).not.toBeNull();
        expect(decodeURIComponent(m?.[1] ?? '')).toBe(id);
      }),
      { numRuns: 120 },
    );
  });

  it('a resource URI reads one well-formed segment or is invalid params', async () => {
    await fc.assert(
      fc.asyncProperty(segment, async (id) => {
        backend.reset();
        const uri = `g8://repos/${id}/scan`;
        const outcome = await session.client.readResource({ uri }).then(
          () => 'read' as const,
          (e: { code?: number }) => e.code,
        );
        const sent = acting();
        if (outcome !== 'read') {
          expect([-32602]).toContain(outcome);
          expect(sent).toEqual([]);
          return;
        }
        expect(sent).toHaveLength(1);
        expect(sent[0]?.path).toMatch(/^\/api\/v1\/repos\/[^/]+\/scan$/);
        const seg = (sent[0]?.path ?? '').split('/')[4] ?? '';
        expect(unsendable(decodeURIComponent(seg))).toBe(false);
      }),
      { numRuns: 120 },
    );
  });
});

describe('argument names', () => {
  const SHAPE = [
    'email',
    'name',
    'list_id',
    'job_title',
    'seniority_level',
    'company_name',
    'country',
    'page',
    'limit',
  ];
  const name = fc.oneof(
    fc.constantFrom(...SHAPE),
    fc.constantFrom(
      'constructor',
      'toString',
      'valueOf',
      'hasOwnProperty',
      '__defineGetter__',
      'isPrototypeOf',
    ),
    fc.string({ maxLength: 10 }),
  );

  it('an argument the tool does not own is refused and nothing is sent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(name, fc.string({ maxLength: 6 }), { maxKeys: 3 }), async (args) => {
        backend.reset();
        const res = (await session.client.callTool({ name: 'g8_search_contacts', arguments: args })) as {
          structuredContent?: { error?: { code?: string } };
        };
        // An own `__proto__` key never leaves the SDK client (its schema parse drops it), so the
        // server sees the other arguments only; validate()'s prototype check is tested in refusals.
        const foreign = Object.keys(args).filter((k) => !SHAPE.includes(k) && k !== '__proto__');
        if (foreign.length) {
          expect(res.structuredContent?.error?.code).toBe('invalid_arguments');
          expect(acting()).toEqual([]);
        }
        for (const r of acting()) for (const k of Object.keys(r.query)) expect(SHAPE).toContain(k);
      }),
      { numRuns: 120 },
    );
  });
});

describe('credential-shaped answers', () => {
  /** A run of 12+ characters of the key, its base64 at any alignment, or another key. */
  const leak = fc.oneof(
    fc
      .tuple(fc.nat(KEY.length - 12), fc.integer({ min: 12, max: KEY.length }))
      .map(([from, len]) => KEY.slice(from, Math.min(KEY.length, from + len)))
      .filter((s) => s.length >= 12),
    fc.string({ maxLength: 3 }).map((p) => Buffer.from(`${p}${KEY}`).toString('base64')),
    fc.string({ maxLength: 3 }).map((p) => Buffer.from(`${p}${KEY}`).toString('base64url')),
    fc.stringMatching(/^g8_(live|test)_[A-Za-z0-9_-]{10,40}$/),
  );
  const surrounded = fc
    .tuple(fc.string({ maxLength: 6 }), leak, fc.string({ maxLength: 6 }))
    .map((p) => p.join(''));

  /** No 12-character run of the key (or of the key's base64 cores), and no key shape. */
  function expectClean(text: string) {
    for (let i = 0; i + 12 <= KEY.length; i += 6) expect(text).not.toContain(KEY.slice(i, i + 12));
    for (const pad of ['', 'a', 'ab']) {
      const b64 = Buffer.from(`${pad}${KEY}`).toString('base64');
      expect(text).not.toContain(b64.slice(4, 16));
      expect(text).not.toContain(Buffer.from(`${pad}${KEY}`).toString('base64url').slice(4, 16));
    }
    expect(text).not.toMatch(KEY_SHAPE);
  }

  it('never comes back from a tool, a resource or a completion', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(surrounded, { minLength: 1, maxLength: 3 }), async (texts) => {
        echo = { note: texts[0], items: texts.map((t, i) => ({ id: t, [`k${i}`]: t })) };
        const tool = await session.client.callTool({ name: 'g8_search_contacts', arguments: {} });
        expectClean(JSON.stringify(tool));
        const resource = await session.client.readResource({ uri: 'g8://contacts' });
        expectClean(JSON.stringify(resource));
        echo = texts.map((t) => ({ id: t }));
        const completion = await session.client.complete({
          ref: { type: 'ref/resource', uri: 'g8://repos/{repo_id}/scan' },
          argument: { name: 'repo_id', value: '' },
        });
        expectClean(JSON.stringify(completion));
      }),
      { numRuns: 60 },
    );
  });
});
