/**
 * The catalogue generated at build time (dist/catalogue.json) and what stdio's fast front lists
 * from it must be exactly what buildServer answers: initialize, the first tools/list for every
 * mode, discovery setting, selection and key scope, and ping and the resource and prompt lists.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/api/client.js';
import { coreForMode, type Selection, selectTools } from '../../src/catalogue/select.js';
import { catalogue } from '../../src/catalogue-loader.js';
import { fastToolList, lightCatalogue, readFastCatalogue, selectLight } from '../../src/fast/catalogue.js';
import { buildFastCatalogue } from '../../src/fast/catalogue-build.js';
import { FIXED } from '../../src/fast/messages.js';
import type { Identity } from '../../src/mcp/identity.js';
import { buildServer } from '../../src/mcp/server.js';
import { VERSION } from '../../src/version.js';

const cat = await buildFastCatalogue();

/** The raw result of one request to a fresh buildServer with this selection and identity. */
async function ask(
  selection: Selection,
  discovery: boolean,
  identity: Identity | undefined,
  method: string,
  params?: Record<string, unknown>,
): Promise<unknown> {
  const api = new ApiClient({ apiUrl: 'http://127.0.0.1:9', userAgent: 'test', timeoutMs: 1000 });
  const tools = selectTools(catalogue, selection);
  const server = buildServer({
    name: 'g8-mcp-server',
    version: VERSION,
    tools,
    api,
    credential: () => 'g8_test_unused',
    logger: { debug() {}, error() {} },
    scopeFilter: identity !== undefined,
    discovery,
    coreTools: coreForMode(catalogue, selection.mode, tools),
    mode: selection.mode,
    ...(identity ? { identity: Promise.resolve(identity) } : {}),
  });
  const [a, b] = InMemoryTransport.createLinkedPair();
  let result: unknown;
  b.onmessage = (m: JSONRPCMessage) => {
    if ('result' in m) result = m.result;
  };
  await server.connect(a);
  await b.start();
  await b.send({ jsonrpc: '2.0', id: 1, method, ...(params ? { params } : {}) });
  for (let i = 0; result === undefined && i < 100; i++) await new Promise((r) => setImmediate(r));
  await server.close();
  await api.close();
  return result;
}

const restricted: Identity = { unrestricted: false, scopes: ['contacts:read', 'inbox:*', 'campaigns:read'] };
const unrestricted: Identity = { unrestricted: true, scopes: [] };
const oddlyUnrestricted: Identity = { unrestricted: true, scopes: ['contacts:read'] };

const SELECTIONS: Selection[] = [
  { mode: 'all' },
  { mode: 'dev' },
  { mode: 'gtm' },
  { mode: 'all', readOnly: true },
  { mode: 'gtm', toolsets: ['campaigns', 'knowledge'] },
  { mode: 'all', toolsets: ['inbox'], tools: ['g8_get_contact', 'g8_gtm_get_campaign'] },
  { mode: 'dev', tools: ['g8_search_contacts'] },
];

describe('generated catalogue', () => {
  for (const selection of SELECTIONS) {
    for (const discovery of [false, true]) {
      for (const [label, identity] of [
        ['no scope filter', undefined],
        ['unrestricted key', unrestricted],
        ['restricted key', restricted],
        ['unrestricted key with scopes', oddlyUnrestricted],
      ] as const) {
        it(`first tools/list: ${JSON.stringify(selection)}, discovery ${discovery}, ${label}`, async () => {
          const tools = selectLight(cat, {
            ...selection,
            apiUrl: '',
            timeoutMs: 1,
            scopeFilter: 'on',
            discovery: 'on',
          });
          const fast = fastToolList(cat, {
            mode: selection.mode,
            tools,
            discovery,
            core: new Set(coreForMode(lightCatalogue(cat), selection.mode, tools)),
            ...(identity ? { identity } : {}),
          });
          expect({ tools: fast }).toEqual(await ask(selection, discovery, identity, 'tools/list'));
        });
      }
    }
  }

  it('ping and the resource and prompt lists are kept, for every session alike', () => {
    // catalogue-build.ts keeps an answer only when every server it asked gave it alike: one that
    // comes to depend on the selection (prompts naming its tools, say) is dropped, and the front
    // would leave it to the real server. Then key it by what it depends on.
    expect(Object.keys(cat.fixed ?? {}).sort()).toEqual([...FIXED].sort());
  });

  for (const selection of SELECTIONS) {
    it(`ping and the resource and prompt lists: ${JSON.stringify(selection)}`, async () => {
      for (const discovery of [false, true]) {
        for (const identity of [undefined, restricted]) {
          for (const method of FIXED)
            expect(cat.fixed?.[method], method).toEqual(await ask(selection, discovery, identity, method));
        }
      }
    });
  }

  it('initialize answers as buildServer does, with and without discovery', async () => {
    for (const discovery of [false, true]) {
      const params = {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 't', version: '1' },
      };
      const { protocolVersion, ...body } = (await ask(
        { mode: 'all' },
        discovery,
        undefined,
        'initialize',
        params,
      )) as {
        protocolVersion: string;
      };
      expect(protocolVersion).toBe('2025-06-18');
      expect(body).toEqual(discovery ? cat.initialize.discovery : cat.initialize.plain);
    }
  });

  it('selection errors read exactly as the full start-up reports them', () => {
    const failure = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return `${(e as Error).constructor.name}: ${(e as Error).message}`;
      }
      return 'no error';
    };
    const settings = { apiUrl: '', timeoutMs: 1, scopeFilter: 'on', discovery: 'auto' } as const;
    for (const selection of [
      { mode: 'gtm', tools: ['g8_status'] },
      { mode: 'all', toolsets: ['inbox', 'bogus'] },
    ] as const) {
      const fast = failure(() =>
        selectLight(cat, { ...settings, ...selection, tools: [...(selection.tools ?? [])] }),
      );
      expect(fast).toMatch(/^SelectionError: Unknown/);
      expect(fast).toBe(failure(() => selectTools(catalogue, selection)));
    }
  });

  it('a missing or foreign catalogue means the full start, never stale answers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'g8-cat-'));
    try {
      const root = pathToFileURL(`${dir}/`);
      expect(readFastCatalogue(root)).toBeUndefined();
      mkdirSync(join(dir, 'dist'));
      writeFileSync(join(dir, 'dist', 'catalogue.json'), JSON.stringify({ ...cat, version: '0.0.0-other' }));
      expect(readFastCatalogue(root)).toBeUndefined();
      writeFileSync(join(dir, 'dist', 'catalogue.json'), '{ not json');
      expect(readFastCatalogue(root)).toBeUndefined();
      writeFileSync(join(dir, 'dist', 'catalogue.json'), JSON.stringify(cat));
      expect(readFastCatalogue(root)?.version).toBe(VERSION);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const built = new URL('../../dist/catalogue.json', import.meta.url);
  it.skipIf(!existsSync(built))(
    'dist/catalogue.json is the current catalogue (a stale build would serve old tools)',
    () => {
      expect(JSON.parse(readFileSync(built, 'utf8'))).toEqual(JSON.parse(JSON.stringify(cat)));
      // …and the front finds it (a missing or foreign file silently means the slow start).
      expect(readFastCatalogue()?.version).toBe(VERSION);
    },
  );
});
