/**
 * Every tool schema a client is shown — tools/list in every mode with discovery off and on, the
 * meta tools, and the input_schema g8_tool_search hands out for unlisted tools — passes the written
 * rules of Gemini's and OpenAI's (non-strict) function-calling subsets (test/helpers/schema-subsets.ts).
 */
import { describe, expect, it } from 'vitest';
import { toolDefinition } from '../../src/catalogue/definition.js';
import { MODES, selectTools } from '../../src/catalogue/select.js';
import { catalogue } from '../../tools/index.js';
import { listTools, withCatalogueClient } from '../helpers/catalogue-list.js';
import { geminiProblems, openAiProblems, type ToolLike } from '../helpers/schema-subsets.js';

const problems = (tools: readonly ToolLike[]) =>
  tools.flatMap((t) => [...geminiProblems(t), ...openAiProblems(t)]);

describe('the rules catch what the clients refuse', () => {
  it('flags a string format, a property-less object, an array without items and a union', () => {
    const bad: ToolLike = {
      name: 'bad tool',
      description: 'x'.repeat(1025),
      inputSchema: {
        type: 'object',
        properties: {
          email: { type: 'string', format: 'email' },
          data: { type: 'object' },
          list: { type: 'array' },
          either: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
          free: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: {} },
        },
        required: ['missing'],
      },
    };
    const found = problems([bad]).map((p) => p.split(' ')[0]);
    for (const rule of ['G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'G7', 'O1', 'O2', 'O4']) {
      expect(found, rule).toContain(rule);
    }
    expect(problems([{ name: 'empty', inputSchema: { type: 'object', properties: {} } }])).toEqual([
      'G5 empty $: object without properties',
    ]);
  });
});

describe.each(MODES)('mode %s', (mode) => {
  it.each([false, true])('tools/list with discovery %s passes both subsets', async (discovery) => {
    const tools = await listTools(mode, discovery);
    expect(tools.length).toBeGreaterThan(3);
    expect(problems(tools as ToolLike[])).toEqual([]);
  });

  it('every tool g8_tool_search can hand out passes both subsets', async () => {
    const all = selectTools(catalogue, { mode }).map((t) => toolDefinition(t.name, t.spec));
    expect(problems(all)).toEqual([]);
    // And as the meta tool actually returns them.
    const matches = await withCatalogueClient(mode, true, async (client) => {
      const r = await client.callTool({
        name: 'g8_tool_search',
        arguments: { query: 'crm push records', limit: 10 },
      });
      return (r.structuredContent as { matches: { name: string; input_schema: Record<string, unknown> }[] })
        .matches;
    });
    expect(matches.length).toBeGreaterThan(0);
    expect(problems(matches.map((m) => ({ name: m.name, inputSchema: m.input_schema })))).toEqual([]);
  });
});
