/**
 * Issue 6 through the SDK client against the sandbox: tool lists that fit the key, discovery with
 * list_changed and g8_call, resources, prompts, completion and client logging.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  LoggingMessageNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolsForMode } from '../../src/catalogue/select.js';
import { catalogue } from '../../tools/index.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { MAIN } from '../helpers/stdio.js';

async function connect(env: Record<string, string>) {
  const client = new Client({ name: 'discovery-test', version: '1' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [MAIN],
      env: { PATH: process.env.PATH ?? '', G8_LOG_LEVEL: 'warn', ...env },
    }),
  );
  return client;
}

type Json = Record<string, unknown>;

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(() => sb.stop());

describe('a key with only contacts:read', () => {
  let client: Client;
  beforeAll(async () => {
    const key = await sb.mintKey(['contacts:read']);
    client = await connect({ G8_API_KEY: key, G8_API_URL: sb.url, G8_DISCOVERY: 'off' });
  });
  afterAll(() => client.close());

  it('sees only the tools it can call', async () => {
    const names = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(names).toEqual(['g8_get_contact', 'g8_search_contacts', 'g8_whoami']);
  });

  it('g8_whoami lists the rest with the scope each needs', async () => {
    const r = await client.callTool({ name: 'g8_whoami', arguments: {} });
    const who = r.structuredContent as Json & { hidden_tools: { name: string; required_scope: string }[] };
    expect(who).toMatchObject({ org_name: 'Acme Robotics', unrestricted: false, scopes: ['contacts:read'] });
    // Every tool of the mode but the two contacts:read ones.
    expect(who.hidden_tools).toHaveLength(toolsForMode(catalogue, 'all').length - 2);
    expect(who.hidden_tools).toContainEqual({ name: 'g8_send_reply', required_scope: 'inbox:run' });
    expect(who.hidden_tools).toContainEqual({
      name: 'g8_launch_campaign',
      required_scope: 'campaigns:launch',
    });
  });

  it('g8_whoami answers for one tool: whether the key can call it and the scope it needs', async () => {
    const ask = async (tool: string) =>
      ((await client.callTool({ name: 'g8_whoami', arguments: { tool } })).structuredContent as Json).tool;
    expect(await ask('g8_send_reply')).toEqual({
      name: 'g8_send_reply',
      callable: false,
      required_scope: 'inbox:run',
    });
    expect(await ask('g8_get_contact')).toMatchObject({ callable: true, required_scope: 'contacts:read' });
    expect(await ask('g8_nope')).toMatchObject({ callable: false, problem: expect.any(String) });
  });

  it('a hidden tool called anyway is refused locally, naming the scope', async () => {
    const r = await client.callTool({ name: 'g8_list_inbox', arguments: {} });
    expect(r.isError).toBe(true);
    expect(r.structuredContent).toMatchObject({
      error: { code: 'scope_missing', type: 'permission', status: null, required_scope: 'inbox:read' },
    });
    expect(JSON.stringify(r.content)).toContain('inbox:read');
    expect(JSON.stringify(r.content)).toContain('`g8_whoami` lists the scopes of this key');
  });
});

describe('progressive discovery (the default in all mode)', () => {
  let client: Client;
  let changed = 0;
  beforeAll(async () => {
    client = await connect({ G8_API_KEY: sb.demoKey, G8_API_URL: sb.url, G8_CONFIRM: 'never' });
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      changed++;
    });
  });
  afterAll(() => client.close());

  it('lists a core set of at most 20 tools plus search, call and whoami', async () => {
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names.length - 3).toBeLessThanOrEqual(20);
    expect(names).toEqual(
      expect.arrayContaining(['g8_tool_search', 'g8_call', 'g8_whoami', 'g8_search_contacts']),
    );
    expect(names).not.toContain('g8_trigger_audience_sync');
  });

  it('finds g8_trigger_audience_sync from "push audience to linkedin", with its schema', async () => {
    const r = await client.callTool({
      name: 'g8_tool_search',
      arguments: { query: 'push audience to linkedin' },
    });
    const found = (r.structuredContent as { matches: { name: string; input_schema: Json }[] }).matches;
    const trigger = found.find((m) => m.name === 'g8_trigger_audience_sync');
    expect(trigger, JSON.stringify(found.map((m) => m.name))).toBeDefined();
    expect(found[0]!.name).toBe('g8_trigger_audience_sync');
    expect((trigger!.input_schema.properties as Json).config_id).toBeDefined();
  });

  it('searching changes nothing: the list stays the same and no list_changed is sent', async () => {
    const before = (await client.listTools()).tools.map((t) => t.name);
    await client.callTool({ name: 'g8_tool_search', arguments: { query: 'delete a sequence' } });
    await new Promise((r) => setTimeout(r, 100));
    expect(changed).toBe(0);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(before);
    expect(before).not.toContain('g8_trigger_audience_sync');
  });

  it('g8_call runs a tool found by search', async () => {
    const config = sb.db
      .prepare('SELECT id FROM aud_syncs WHERE is_active = 1 ORDER BY id LIMIT 1')
      .get() as {
      id: number;
    };
    const r = await client.callTool({
      name: 'g8_call',
      arguments: { name: 'g8_trigger_audience_sync', arguments: { config_id: config.id } },
    });
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ config_id: config.id, status: 'queued' });
  });

  it('g8_call takes its arguments as a JSON string too, as its schema advertises', async () => {
    const contact = sb.db.prepare('SELECT id FROM contacts ORDER BY id LIMIT 1').get() as { id: number };
    const r = await client.callTool({
      name: 'g8_call',
      arguments: { name: 'g8_get_contact', arguments: JSON.stringify({ contact_id: contact.id }) },
    });
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ id: contact.id });
    const broken = await client.callTool({
      name: 'g8_call',
      arguments: { name: 'g8_get_contact', arguments: '{"contact_id": ' },
    });
    expect(broken.isError).toBe(true);
    expect(JSON.stringify(broken.content)).toContain('arguments');
  });

  it('g8_call names the search tool for a name that does not exist, and validates as a direct call', async () => {
    const unknown = await client.callTool({
      name: 'g8_call',
      arguments: { name: 'g8_no_such_tool', arguments: {} },
    });
    expect(unknown.isError).toBe(true);
    expect(JSON.stringify(unknown.content)).toContain('g8_tool_search');
    const invalid = await client.callTool({
      name: 'g8_call',
      arguments: { name: 'g8_delete_sequence', arguments: {} },
    });
    expect(invalid.isError).toBe(true);
    expect(JSON.stringify(invalid.content)).toContain('sequence_id');
  });
});

describe('resources, prompts, completion and logging', () => {
  let client: Client;
  let repoId: string;
  beforeAll(async () => {
    client = await connect({ G8_API_KEY: sb.demoKey, G8_API_URL: sb.url, G8_CONFIRM: 'never' });
    repoId = (
      sb.db.prepare('SELECT repo_id FROM camp_repo_links ORDER BY repo_id LIMIT 1').get() as {
        repo_id: string;
      }
    ).repo_id;
  });
  afterAll(() => client.close());

  const read = async (uri: string) => {
    const r = await client.readResource({ uri });
    const c = r.contents[0] as { text: string; mimeType: string };
    return { text: c.text, mime: c.mimeType };
  };

  it('lists the resources and templates graph8 documents', async () => {
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual([
      'g8://repos',
      'g8://contacts',
      'g8://companies',
      'g8://mailboxes',
      'g8://reference/step-data',
    ]);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual([
      'g8://repos/{repo_id}/scan',
      'g8://repos/{repo_id}/kb',
      'g8://repos/{repo_id}/kb/{doc_id}',
      'g8://repos/{repo_id}/campaigns',
      'g8://repos/{repo_id}/campaigns/{campaign_id}/brief',
    ]);
  });

  it('every resource resolves with real sandbox data', async () => {
    const repos = JSON.parse((await read('g8://repos')).text).data as { id: string }[];
    expect(repos.map((r) => r.id)).toContain(repoId);
    expect(JSON.parse((await read('g8://contacts')).text).data).toHaveLength(50);
    expect(JSON.parse((await read('g8://companies')).text).data.length).toBeGreaterThan(10);
    const mailboxes = JSON.parse((await read('g8://mailboxes')).text).data as Json[];
    const seeded = sb.db.prepare(
      'SELECT email FROM mailboxes WHERE org_id = (SELECT org_id FROM mailboxes WHERE id = ?)',
    );
    expect(mailboxes.map((m) => m.email)).toEqual(
      (seeded.all(mailboxes[0]!.id) as { email: string }[]).map((m) => m.email),
    );
    expect(mailboxes.some((m) => m.connection_status === 'connected' && m.is_archived === false)).toBe(true);
    const stepData = await read('g8://reference/step-data');
    expect(stepData.mime).toBe('text/markdown');
    expect(stepData.text).toContain('linkedin_inmail_body');
    expect(JSON.parse((await read(`g8://repos/${repoId}/scan`)).text).data.tech_stack).toBeDefined();
    const kb = JSON.parse((await read(`g8://repos/${repoId}/kb`)).text).data as {
      sections: { documents: { id: string; title: string }[] }[];
    };
    const doc = kb.sections[0]!.documents[0]!;
    const full = JSON.parse((await read(`g8://repos/${repoId}/kb/${doc.id}`)).text).data;
    expect(full).toMatchObject({ id: doc.id, title: doc.title });
    expect(String(full.content).length).toBeGreaterThan(50);
    const campaigns = JSON.parse((await read(`g8://repos/${repoId}/campaigns`)).text).data as {
      id: string;
    }[];
    const brief = await read(`g8://repos/${repoId}/campaigns/${campaigns[0]!.id}/brief`);
    expect(brief.mime).toBe('text/markdown');
    expect(brief.text).toMatch(/^# .+\n/);
    expect(brief.text).toContain('## Brief');
  });

  it('an unknown id is a clear error', async () => {
    await expect(client.readResource({ uri: 'g8://repos/repo_nope/scan' })).rejects.toThrow(/404/);
  });

  it('completion suggests real ids', async () => {
    const repos = await client.complete({
      ref: { type: 'ref/resource', uri: 'g8://repos/{repo_id}/scan' },
      argument: { name: 'repo_id', value: 'repo_' },
    });
    expect(repos.completion.values).toContain(repoId);
    const docs = await client.complete({
      ref: { type: 'ref/resource', uri: 'g8://repos/{repo_id}/kb/{doc_id}' },
      argument: { name: 'doc_id', value: '' },
      context: { arguments: { repo_id: repoId } },
    });
    expect(docs.completion.values.length).toBeGreaterThan(2);
    const campaign = sb.db.prepare("SELECT id FROM camp_campaigns WHERE status = 'active' LIMIT 1").get() as {
      id: string;
    };
    const prompts = await client.complete({
      ref: { type: 'ref/prompt', name: 'campaign_review' },
      argument: { name: 'campaign_id', value: campaign.id.slice(0, 4) },
    });
    expect(prompts.completion.values).toContain(campaign.id);
  });

  it('prompts name the tools of this mode in order', async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['gtm_setup', 'campaign_review', 'icp_refinement']);
    const setup = await client.getPrompt({
      name: 'gtm_setup',
      arguments: { repo_url: 'https://github.com/acme/app' },
    });
    const text = (setup.messages[0]!.content as { text: string }).text;
    const order = [
      'g8_connect_repo',
      'g8_scan_repo',
      'g8_install_spine',
      'g8_apply_install',
      'g8_doctor',
    ].map((n) => text.indexOf(n));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const review = await client.getPrompt({ name: 'campaign_review', arguments: { campaign_id: 'cmp_1' } });
    expect((review.messages[0]!.content as { text: string }).text).toContain('g8_gtm_get_campaign');
    const icp = await client.getPrompt({
      name: 'icp_refinement',
      arguments: { feedback: 'CFOs never reply' },
    });
    expect((icp.messages[0]!.content as { text: string }).text).toContain('CFOs never reply');
    await expect(client.getPrompt({ name: 'gtm_setup', arguments: {} })).rejects.toThrow(/repo_url/);
  });

  it('logging/setLevel debug brings tool calls with their request id, never the key', async () => {
    const messages: unknown[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      messages.push(n.params);
    });
    await client.setLoggingLevel('debug');
    await client.callTool({ name: 'g8_search_contacts', arguments: { limit: 1 } });
    const deadline = Date.now() + 1000;
    while (messages.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(messages[0]).toMatchObject({
      level: 'debug',
      data: {
        event: 'tool_call',
        tool: 'g8_search_contacts',
        ok: true,
        request_id: expect.stringMatching(/^req_/),
      },
    });
    expect(JSON.stringify(messages)).not.toContain(sb.demoKey);
    messages.length = 0;
    await client.setLoggingLevel('error');
    await client.callTool({ name: 'g8_search_contacts', arguments: { limit: 1 } });
    await new Promise((r) => setTimeout(r, 100));
    expect(messages).toHaveLength(0);
  });
});
