/**
 * stdio's fast front (src/fast/front.ts) answers a client's handshake — initialize, tools/list,
 * ping and the resource and prompt lists — without loading the real server, and hands everything
 * else over with the lines the real server has to see, in order. (That the answers are the real
 * server's bytes is test/integration/perf-stdio-fast.test.ts's part.)
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { FastCatalogue } from '../../src/fast/catalogue.js';
import { type Handover, startFront } from '../../src/fast/front.js';

const FIXED = {
  ping: {},
  'resources/list': { resources: [{ uri: 'g8://repos' }] },
  'resources/templates/list': { resourceTemplates: [] },
  'prompts/list': { prompts: [{ name: 'p' }] },
};

const body = { capabilities: {}, serverInfo: { name: 'g8-mcp-server', version: '1' } };
const CATALOGUE = {
  version: '1',
  groups: { shared: [], dev: [], gtm: [] },
  gtmAliases: {},
  core: [],
  definitions: { all: {}, dev: {}, gtm: {} },
  initialize: { plain: body, discovery: body },
  fixed: FIXED,
  protocolVersions: { latest: '2025-06-18', supported: ['2025-06-18'] },
} as unknown as FastCatalogue;

const request = (id: number | string, method: string, params?: Record<string, unknown>) =>
  JSON.stringify({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
const INITIALIZE = request(1, 'initialize', {
  protocolVersion: '2025-06-18',
  capabilities: {},
  clientInfo: { name: 'desktop', version: '1' },
});
const INITIALIZED = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });

/** Runs the front over `lines`; what it answered, and what it handed over (if it loaded). */
async function front(lines: string[], catalogue: FastCatalogue = CATALOGUE) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const answers: unknown[] = [];
  stdout.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) answers.push(JSON.parse(line));
  });
  let loads = 0;
  let handover: Handover | undefined;
  const finished = startFront({
    catalogue,
    mode: 'all',
    tools: [],
    core: [],
    discovery: false,
    readMe: () => Promise.reject(new Error('no /me here')),
    load: async () => {
      loads++;
      return async (h) => {
        handover = h;
      };
    },
    stdin,
    stdout,
  });
  stdin.write(lines.map((l) => `${l}\n`).join(''));
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  const loaded = loads > 0;
  // Ends every test with a hand-over: the front then lets go of stdin and the process signals.
  if (!loaded) stdin.write(`${request('end', 'tools/call', { name: 'g8_whoami' })}\n`);
  await finished;
  const replayed = String(handover?.input.read() ?? '')
    .split('\n')
    .filter(Boolean);
  return { answers, loaded, replayed, handover };
}

describe('fast front: what it answers without loading the real server', () => {
  it("a desktop client's handshake, in any order, from the catalogue", async () => {
    const { answers, loaded, replayed, handover } = await front([
      INITIALIZE,
      request(2, 'prompts/list'),
      INITIALIZED,
      request(3, 'tools/list'),
      request(4, 'resources/list', {}),
      request('five', 'ping'),
      request(6, 'resources/templates/list'),
      request(7, 'ping', {}),
      request(8, 'tools/list', {}),
    ]);
    expect(loaded).toBe(false);
    expect(answers).toEqual([
      { result: { protocolVersion: '2025-06-18', ...body }, jsonrpc: '2.0', id: 1 },
      { result: FIXED['prompts/list'], jsonrpc: '2.0', id: 2 },
      { result: { tools: [expect.objectContaining({ name: 'g8_whoami' })] }, jsonrpc: '2.0', id: 3 },
      { result: FIXED['resources/list'], jsonrpc: '2.0', id: 4 },
      { result: {}, jsonrpc: '2.0', id: 'five' },
      { result: FIXED['resources/templates/list'], jsonrpc: '2.0', id: 6 },
      { result: {}, jsonrpc: '2.0', id: 7 },
      { result: { tools: [expect.objectContaining({ name: 'g8_whoami' })] }, jsonrpc: '2.0', id: 8 },
    ]);
    // The real server, loaded by the first call, sees initialize, the notification and the call:
    // not what the front answered.
    expect(replayed).toEqual([INITIALIZE, INITIALIZED, request('end', 'tools/call', { name: 'g8_whoami' })]);
    expect(handover?.answeredInitialize).toBe(1);
  });

  it('an unusual list or ping loads the real server, which answers it and every line after', async () => {
    for (const odd of [
      request(2, 'resources/list', { cursor: 'next' }),
      request(2, 'prompts/list', { _meta: { progressToken: 2 } }),
      request(2, 'ping', { x: 1 }),
      JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'resources/templates/list', extra: true }),
    ]) {
      const { answers, loaded, replayed } = await front([INITIALIZE, odd, request(3, 'prompts/list')]);
      expect(loaded).toBe(true);
      expect(answers).toHaveLength(1); // initialize only
      expect(replayed).toEqual([INITIALIZE, odd, request(3, 'prompts/list')]);
    }
  });

  it('before initialize, or with a catalogue that has no such answers, the real server answers', async () => {
    const early = await front([request(1, 'ping'), INITIALIZE]);
    expect(early.loaded).toBe(true);
    expect(early.answers).toEqual([]);
    expect(early.replayed).toEqual([request(1, 'ping'), INITIALIZE]);

    const { fixed: _dropped, ...older } = CATALOGUE;
    const stale = await front([INITIALIZE, request(2, 'resources/list')], older as FastCatalogue);
    expect(stale.loaded).toBe(true);
    expect(stale.answers).toHaveLength(1);
    expect(stale.replayed).toEqual([INITIALIZE, request(2, 'resources/list')]);
  });
});
