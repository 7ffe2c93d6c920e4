/** The catalogue as a model sees it: names, descriptions, annotations, schemas, snapshots. */
import { describe, expect, it } from 'vitest';
import { selectTools } from '../../src/catalogue/select.js';
import { unwrapArguments } from '../../src/catalogue/types.js';
import { summarize } from '../../src/runtime/confirm.js';
import { catalogue } from '../../tools/index.js';
import { cases, nameInMode } from '../fixtures/bindings.js';
import { listTools } from '../helpers/catalogue-list.js';

/**
 * Issue 18's budgets, in tokens ≈ characters / 4 (as npm run bench counts); the 2025 list also
 * names the tools that take task-augmented calls.
 */
const TOKEN_BUDGET = { all: 9_500, dev: 8_500, gtm: 8_000 } as const;
const DISCOVERY_BUDGET = 4_000;

const META = ['g8_whoami'];

describe('catalogue', () => {
  it('every binding of the contract fixture is in the catalogue once per group, names shared only across modes', () => {
    for (const audience of ['shared', 'dev', 'gtm'] as const) {
      const names = catalogue[audience].map((t) => t.name);
      expect(new Set(names).size, audience).toBe(names.length);
    }
    const bindings = catalogue.shared.length + catalogue.dev.length + catalogue.gtm.length;
    expect(bindings).toBe(new Set(cases.map((c) => `${c.audience}/${c.tool}`)).size);
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
        // A longer description anywhere must pay for itself elsewhere (or move into a resource).
        expect(await tokens(false)).toBeLessThanOrEqual(TOKEN_BUDGET[mode]);
        expect(await tokens(true)).toBeLessThanOrEqual(DISCOVERY_BUDGET);
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

  it('a confirmed tool asks with its own effect, never a generic one its description contradicts', () => {
    const specs = [...catalogue.shared, ...catalogue.dev, ...catalogue.gtm];
    const confirmed = specs.filter((s) => ['destructive', 'billable', 'external'].includes(s.tier));
    expect(confirmed.length).toBeGreaterThan(20);
    for (const spec of confirmed) {
      const summary = summarize(spec.name, spec, {});
      expect(summary, spec.name).toContain(spec.effect);
      expect(summary, spec.name).not.toMatch(/Reaches people or systems outside graph8/);
    }
    const draft = catalogue.shared.find((s) => s.name === 'g8_create_sequence')!;
    const line = summarize(draft.name, draft, { name: 'Q3 outbound' });
    expect(line).toMatch(/nothing is sent until/);
    expect(line).not.toMatch(/reaches|sends a real/i);
  });

  it("graph8's wrapped {body} form is unwrapped only for tools that declare it, and only when it is the whole input", () => {
    const verify = catalogue.shared.find((s) => s.name === 'g8_verify_email')!;
    expect(verify.wrappedInput).toBe('body');
    expect(unwrapArguments(verify, { body: { email: 'a@b.co' }, confirm: true })).toEqual({
      email: 'a@b.co',
      confirm: true,
    });
    // Anything else is left as it came, so validation names what is wrong with it.
    const odd = { body: { email: 'a@b.co' }, email: 'c@d.co' };
    expect(unwrapArguments(verify, odd)).toBe(odd);
    expect(unwrapArguments(verify, { body: 'a@b.co' })).toEqual({ body: 'a@b.co' });
    const send = catalogue.shared.find((s) => s.name === 'g8_send_reply')!;
    const reply = { reply_id: 't', body: 'Hi', channel: 'email' };
    expect(unwrapArguments(send, reply)).toBe(reply);
  });

  it('a free-form object merges extra_json, and names it when it is not a JSON object', () => {
    const push = catalogue.shared.find((s) => s.name === 'g8_push_to_crm_contact')!;
    const ok = push.input.safeParse({
      provider: 'hubspot',
      records: [
        {
          work_email: 'a@b.co',
          lifecyclestage: 'lead',
          extra_json: '{"hs_lead_status": "NEW", "work_email": "x"}',
        },
      ],
    });
    expect(ok.success && ok.data.records).toEqual([
      { hs_lead_status: 'NEW', work_email: 'a@b.co', lifecyclestage: 'lead' },
    ]);
    for (const bad of ['[1, 2]', 'not json', '"text"']) {
      const r = push.input.safeParse({ provider: 'hubspot', records: [{ extra_json: bad }] });
      expect(r.success, bad).toBe(false);
      expect(r.error?.issues[0]).toMatchObject({ path: ['records', 0, 'extra_json'] });
      expect(r.error?.issues[0]?.message).toMatch(/JSON object string/);
    }
  });

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
      'g8_list_mailboxes',
    ]);
    const readOnly = selectTools(catalogue, { mode: 'gtm', readOnly: true });
    expect(readOnly.length).toBeGreaterThan(10);
    expect(readOnly.every((t) => t.spec.tier === 'read')).toBe(true);
  });
});
