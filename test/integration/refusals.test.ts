/**
 * Refusals that must hold, through the built stdio bin: path-parameter values no request can
 * carry (`.`, `..`, empty, lone surrogates) in tools and resource URIs, inherited names as
 * arguments, and `confirm` under G8_CONFIRM=never. Whatever is refused sends nothing upstream.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stdioRaw } from '../helpers/modern-raw.js';
import { type RecordingServer, startRecordingServer } from '../helpers/recording-server.js';
import { type StdioSession, startStdio } from '../helpers/stdio.js';

const KEY = 'g8_test_refusals_0123456789';

let backend: RecordingServer;
let session: StdioSession;
let names: string[];

/** Requests that act (GET /me only reads who the key is). */
const sent = () => backend.requests.filter((r) => r.path !== '/api/v1/me');
const tool = (...candidates: string[]) => candidates.find((c) => names.includes(c)) as string;

beforeAll(async () => {
  backend = await startRecordingServer();
  session = await startStdio({
    G8_API_KEY: KEY,
    G8_API_URL: backend.url,
    G8_PACE: 'off',
    G8_CONFIRM: 'never',
    G8_DISCOVERY: 'off',
  });
  names = (await session.client.listTools()).tools.map((t) => t.name);
}, 30_000);
afterAll(async () => {
  await session?.close();
  await backend?.close();
});
beforeEach(() => backend.reset());

async function call(name: string, args: Record<string, unknown>) {
  const res = await session.client.callTool({ name, arguments: args });
  return res as { isError?: boolean; structuredContent?: { error?: { code: string; message: string } } };
}

describe('path parameters', () => {
  it.each([['..'], ['.'], [''], ['\ud800'], ['a\udc00b']])(
    'sequence_id %j is an invalid argument',
    async (id) => {
      const res = await call('g8_delete_sequence', { sequence_id: id });
      expect(res.isError).toBe(true);
      expect(res.structuredContent?.error?.code).toBe('invalid_arguments');
      expect(res.structuredContent?.error?.message).toMatch(/sequence_id/);
      expect(sent()).toEqual([]);
    },
  );

  it('a dot segment in the middle of a path is refused too', async () => {
    const res = await call(tool('g8_gtm_get_campaign_document', 'g8_get_campaign_document'), {
      campaign_id: '..',
      document_id: 'abc',
    });
    expect(res.structuredContent?.error?.code).toBe('invalid_arguments');
    expect(sent()).toEqual([]);
  });

  it('a composite tool refuses a dot-segment id before its first request', async () => {
    const res = await call(tool('g8_gtm_get_campaign', 'g8_get_campaign'), { campaign_id: '..' });
    expect(res.structuredContent?.error?.code).toBe('invalid_arguments');
    expect(sent()).toEqual([]);
  });

  it('ordinary ids still go through, percent-encoded', async () => {
    const res = await call('g8_delete_sequence', { sequence_id: 'seq_1' });
    expect(res.isError).toBeFalsy();
    expect(sent().map((r) => `${r.method} ${r.path}`)).toEqual(['DELETE /api/v1/sequences/seq_1']);
  });
});

describe('resource URIs', () => {
  it.each([
    'g8://repos/../scan',
    'g8://repos/./kb',
    'g8://repos/%2e%2e/campaigns',
    'g8://repos/r1/kb/%2E',
    'g8://repos/%ED%A0%80/scan',
    'g8://repos/\ud800/scan',
    'g8://repos/%/scan',
  ])('%s is invalid params, nothing sent', async (uri) => {
    const error = await session.client.readResource({ uri }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as { code?: number }).code).toBe(-32602);
    expect(sent()).toEqual([]);
  });
});

describe('argument names', () => {
  it.each([['constructor'], ['toString'], ['hasOwnProperty'], ['valueOf'], ['isPrototypeOf']])(
    '%s is an unknown argument',
    async (name) => {
      const args = JSON.parse(`{"${name}": {"x": 1}}`) as Record<string, unknown>;
      const res = await call('g8_search_contacts', args);
      expect(res.structuredContent?.error?.code).toBe('invalid_arguments');
      expect(res.structuredContent?.error?.message).toContain(`${name}: unknown argument`);
      expect(sent()).toEqual([]);
    },
  );
});

describe('__proto__ as an argument', () => {
  it('never lends a tool an argument (the SDK drops it; a prototype of our own is refused)', async () => {
    const raw = stdioRaw({ G8_API_KEY: KEY, G8_API_URL: backend.url, G8_PACE: 'off' });
    try {
      const { response } = await raw.request(
        'tools/call',
        JSON.parse('{"name":"g8_search_contacts","arguments":{"__proto__":{"email":"x@example.com"}}}'),
      );
      expect(response.result).toBeDefined();
      for (const r of sent()) expect(r.query.email).toBeUndefined();
    } finally {
      await raw.close();
    }
  });
});

describe('confirm under G8_CONFIRM=never', () => {
  it('confirm: true and a confirmation_token are accepted and ignored', async () => {
    const res = await call('g8_delete_sequence', {
      sequence_id: 'seq_2',
      confirm: true,
      confirmation_token: 'x',
    });
    expect(res.isError).toBeFalsy();
    expect(sent().map((r) => `${r.method} ${r.path}`)).toEqual(['DELETE /api/v1/sequences/seq_2']);
    expect(sent()[0]?.rawBody).not.toContain('confirm');
    expect(sent()[0]?.path).not.toContain('confirm');
  });

  it('a confirm that is not a boolean is still refused', async () => {
    const res = await call('g8_delete_sequence', { sequence_id: 'seq_3', confirm: 'yes' });
    expect(res.structuredContent?.error?.code).toBe('invalid_arguments');
    expect(sent()).toEqual([]);
  });
});
