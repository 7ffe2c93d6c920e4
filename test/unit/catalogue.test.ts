/** The catalogue as a model sees it: names, descriptions, annotations, schemas, snapshots. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/api/client.js';
import { coreForMode, selectTools } from '../../src/catalogue/select.js';
import type { Mode } from '../../src/catalogue/types.js';
import { catalogue } from '../../src/catalogue-loader.js';
import { cases, nameInMode } from '../fixtures/bindings.js';
import { buildTestServer } from '../helpers/server.js';

// Issue 18's budgets (the 2025 list also names the tools that take task-augmented calls).
const TOKEN_BUDGET = { all: 9_500, dev: 8_500, gtm: 8_000 } as const;

const silent = { debug() {}, error() {} };

const META = ['g8_whoami'];

async function listTools(mode: Mode, discovery = false): Promise<Tool[]> {
  const api = new ApiClient({ apiUrl: 'http://127.0.0.1:9', userAgent: 'test', timeoutMs: 1000 });
  const server = buildTestServer({
    tools: selectTools(catalogue, { mode }),
    api,
    credential: () => 'g8_test_unused',
    logger: silent,
    // No backend here: the scope-aware list is exercised against the sandbox elsewhere.
    scopeFilter: false,
    discovery,
    coreTools: coreForMode(catalogue, mode, selectTools(catalogue, { mode })),
  });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'snap', version: '1' });
  await Promise.all([server.connect(a), client.connect(b)]);
  const { tools } = await client.listTools();
  await client.close();
  await api.close();
  return tools;
}

describe('catalogue', () => {
  it('has 36 shared, 11 dev and 8 gtm bindings, 51 distinct names', () => {
    expect(catalogue.shared).toHaveLength(36);
    expect(catalogue.dev).toHaveLength(11);
    expect(catalogue.gtm).toHaveLength(8);
    const names = new Set([...catalogue.shared, ...catalogue.dev, ...catalogue.gtm].map((t) => t.name));
    expect(names.size).toBe(51);
  });

  it('holds every binding of api-contract §2, in its own group', () => {
    for (const audience of ['shared', 'dev', 'gtm'] as const) {
      const expected = new Set(cases.filter((c) => c.audience === audience).map((c) => c.tool));
      expect(new Set(catalogue[audience].map((t) => t.name))).toEqual(expected);
    }
  });

  for (const mode of ['dev', 'gtm', 'all'] as const) {
    describe(`mode ${mode}`, () => {
      it('names are unique and match the contract', async () => {
        const tools = await listTools(mode);
        const names = tools.map((t) => t.name);
        expect(new Set(names).size).toBe(names.length);
        const expected = new Set([...cases.map((c) => nameInMode(c, mode)).filter(Boolean), ...META]);
        expect(new Set(names)).toEqual(expected);
      });

      it('every tool is described, annotated by tier, and has a plain object schema', async () => {
        const tools = await listTools(mode);
        const specs = new Map(selectTools(catalogue, { mode }).map((t) => [t.name, t.spec]));
        for (const tool of tools.filter((t) => !META.includes(t.name))) {
          const spec = specs.get(tool.name)!;
          expect(tool.description?.length, tool.name).toBeGreaterThan(20);
          expect(tool.description!.length, tool.name).toBeLessThanOrEqual(400);
          expect(tool.title, tool.name).toBeTruthy();
          const a = tool.annotations ?? {};
          expect(a.readOnlyHint === true, `${tool.name} readOnly`).toBe(spec.tier === 'read');
          expect(a.destructiveHint === true, `${tool.name} destructive`).toBe(spec.tier === 'destructive');
          expect(a.openWorldHint === true, `${tool.name} openWorld`).toBe(
            spec.tier === 'billable' || spec.tier === 'external',
          );
          const schema = tool.inputSchema as Record<string, unknown>;
          expect(schema.type).toBe('object');
          for (const union of ['anyOf', 'oneOf', 'allOf', 'not'])
            expect(schema[union], tool.name).toBeUndefined();
          const props = (schema.properties ?? {}) as Record<string, { description?: string }>;
          for (const [field, prop] of Object.entries(props)) {
            expect(prop.description, `${tool.name}.${field} has a description`).toBeTruthy();
          }
        }
      });

      it('tools/list stays within its context budget (tokens ≈ characters / 4, as npm run bench counts)', async () => {
        const tokens = async (discovery: boolean) =>
          Math.ceil(JSON.stringify({ tools: await listTools(mode, discovery) }).length / 4);
        // Issue 8's budgets: a longer description anywhere must pay for itself elsewhere.
        expect(await tokens(false)).toBeLessThanOrEqual(TOKEN_BUDGET[mode]);
        expect(await tokens(true)).toBeLessThanOrEqual(4_000);
      });

      it('tools/list matches the checked-in snapshot', async () => {
        const tools = await listTools(mode);
        await expect(`${JSON.stringify(tools, null, 2)}\n`).toMatchFileSnapshot(
          `../snapshots/tools-list.${mode}.json`,
        );
      });

      it('tools/list with discovery on matches its snapshot: the core set, whoami, search and call', async () => {
        const tools = await listTools(mode, true);
        expect(tools.length).toBeLessThanOrEqual(23);
        expect(tools.map((t) => t.name)).toEqual(
          expect.arrayContaining(['g8_tool_search', 'g8_call', 'g8_whoami']),
        );
        await expect(`${JSON.stringify(tools, null, 2)}\n`).toMatchFileSnapshot(
          `../snapshots/tools-list.${mode}.discovery.json`,
        );
      });
    });
  }

  it('G8_TOOLSETS and G8_TOOLS add up; read-only keeps read tools only', () => {
    const picked = selectTools(catalogue, { mode: 'all', toolsets: ['inbox'], tools: ['g8_get_contact'] });
    expect(picked.map((t) => t.name)).toEqual([
      'g8_get_contact',
      'g8_list_inbox',
      'g8_get_reply',
      'g8_assign_reply',
      'g8_tag_reply',
      'g8_get_reply_draft',
      'g8_send_reply',
    ]);
    const readOnly = selectTools(catalogue, { mode: 'gtm', readOnly: true });
    expect(readOnly.length).toBeGreaterThan(10);
    expect(readOnly.every((t) => t.spec.tier === 'read')).toBe(true);
  });
});
