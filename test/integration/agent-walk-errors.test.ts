/**
 * The wrong turns of an agent walk, through the built stdio server against the sandbox: for each,
 * the error body has the one shape, its hint names a next step that exists (a tool in tools/list,
 * an argument of the tool), and taking that step succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmedArgs } from '../helpers/confirm-token.js';
import { errorOf } from '../helpers/error-body.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { type StdioSession, startStdio } from '../helpers/stdio.js';

let sb: TestSandbox;
let agent: StdioSession;
let listed: string[];

const env = (key: string) => ({
  G8_API_KEY: key,
  G8_API_URL: sb.url,
  G8_MCP_MODE: 'gtm',
  G8_DISCOVERY: 'off',
});
const call = async (session: StdioSession, name: string, args: Record<string, unknown>) =>
  (await session.client.callTool({ name, arguments: args })) as {
    isError?: boolean;
    structuredContent?: Record<string, unknown>;
  };
/** The tools a hint names (`g8_…` in backticks): each must be one the model can call. */
const namedTools = (hint: string) => [...hint.matchAll(/`(g8_[a-z0-9_]+)`/g)].map((m) => m[1] as string);

beforeAll(async () => {
  sb = await startTestSandbox();
  agent = await startStdio(env(sb.demoKey));
  listed = (await agent.client.listTools()).tools.map((t) => t.name);
});
afterAll(async () => {
  await agent?.close();
  await sb?.stop();
});

async function firstContactId(): Promise<number> {
  const found = await call(agent, 'g8_search_contacts', { limit: 1 });
  return (found.structuredContent as { items: { id: number }[] }).items[0]!.id;
}

describe('wrong turns and the way back', () => {
  it('missing field and wrong type: the field is named, and the fixed call works', async () => {
    const missing = errorOf(await call(agent, 'g8_get_contact', {}));
    expect(missing).toMatchObject({ code: 'invalid_arguments', field: 'contact_id', status: null });
    expect(missing.hint).toContain('Fix `contact_id`');
    const wrongType = errorOf(await call(agent, 'g8_get_contact', { contact_id: 'abc' }));
    expect(wrongType).toMatchObject({ code: 'invalid_arguments', field: 'contact_id' });
    expect((await call(agent, 'g8_get_contact', { contact_id: await firstContactId() })).isError).toBeFalsy();
  });

  it.each([
    [999_999, 'not_found', 404],
    [-1, 'invalid_id', 422],
  ])('contact_id %d: the hint names the search tool, which finds a real id', async (id, code, status) => {
    const err = errorOf(await call(agent, 'g8_get_contact', { contact_id: id }));
    expect(err).toMatchObject({ code, status, field: 'contact_id' });
    expect(err.request_id).toMatch(/^req_/);
    expect(namedTools(err.hint)).toEqual(['g8_search_contacts']);
    for (const tool of namedTools(err.hint)) expect(listed).toContain(tool);
    expect((await call(agent, 'g8_get_contact', { contact_id: await firstContactId() })).isError).toBeFalsy();
  });

  it('a tool outside the key’s scope: the scope is named, g8_whoami confirms it, a key with it works', async () => {
    const narrowKey = await sb.mintKey(['contacts:read']);
    const narrow = await startStdio(env(narrowKey));
    try {
      const err = errorOf(await call(narrow, 'g8_list_inbox', {}));
      expect(err).toMatchObject({ code: 'scope_missing', required_scope: 'inbox:read', status: null });
      expect(namedTools(err.hint)).toEqual(['g8_whoami']);
      const who = (await call(narrow, 'g8_whoami', {})).structuredContent as {
        hidden_tools: { name: string; required_scope: string }[];
      };
      expect(who.hidden_tools).toContainEqual({ name: 'g8_list_inbox', required_scope: 'inbox:read' });
    } finally {
      await narrow.close();
    }
    const wider = await startStdio(env(await sb.mintKey(['contacts:read', 'inbox:read'])));
    try {
      expect((await call(wider, 'g8_list_inbox', {})).isError).toBeFalsy();
    } finally {
      await wider.close();
    }
  });

  it('a push to a disconnected CRM: connect it (as the hint says), check with g8_get_crm_status, push again', async () => {
    const push = { provider: 'pipedrive', records: [{ work_email: 'walk@example.com', first_name: 'Walk' }] };
    const err = errorOf(
      await call(
        agent,
        'g8_push_to_crm_contact',
        await confirmedArgs(agentCaller(), 'g8_push_to_crm_contact', push),
      ),
    );
    expect(err).toMatchObject({ code: 'crm_not_connected', status: 409, retryable: false });
    expect(err.hint).toMatch(/^Connect pipedrive in graph8 \(Settings → Integrations\)/);
    expect(namedTools(err.hint)).toEqual(['g8_get_crm_status']);
    const before = await call(agent, 'g8_get_crm_status', { provider: 'pipedrive' });
    expect(before.structuredContent).toMatchObject({ provider: 'pipedrive', connected: false });
    // What the person does in graph8's settings.
    sb.db.prepare("UPDATE crm_connections SET status = 'connected' WHERE provider = 'pipedrive'").run();
    const after = await call(agent, 'g8_get_crm_status', { provider: 'pipedrive' });
    expect(after.structuredContent).toMatchObject({ provider: 'pipedrive', connected: true });
    const done = await call(
      agent,
      'g8_push_to_crm_contact',
      await confirmedArgs(agentCaller(), 'g8_push_to_crm_contact', push),
    );
    expect(done.isError, JSON.stringify(done)).toBeFalsy();
  });

  it('a body graph8 refuses as too large: refused outright, and fewer records go through', async () => {
    const big = Array.from({ length: 100 }, (_, i) => ({
      work_email: `p${i}@example.com`,
      note: 'x'.repeat(12_000),
    }));
    const err = errorOf(
      await call(
        agent,
        'g8_push_to_crm_contact',
        await confirmedArgs(agentCaller(), 'g8_push_to_crm_contact', { provider: 'hubspot', records: big }),
      ),
    );
    expect(err).toMatchObject({ code: 'payload_too_large', status: 413, retryable: false });
    expect(err.hint).toMatch(/refused the request outright.*nothing was done: send fewer records/);
    const small = { provider: 'hubspot', records: big.slice(0, 3).map(({ work_email }) => ({ work_email })) };
    const done = await call(
      agent,
      'g8_push_to_crm_contact',
      await confirmedArgs(agentCaller(), 'g8_push_to_crm_contact', small),
    );
    expect(done.isError, JSON.stringify(done)).toBeFalsy();
  });
});

function agentCaller() {
  return { callTool: (name: string, args: Record<string, unknown>) => call(agent, name, args) };
}
