/**
 * Every binding in every mode, through the built stdio server and the SDK client, against a real
 * HTTP server that records what arrives: exact method, path, query and body per api-contract §2.
 */
import { randomBytes } from 'node:crypto';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolsForMode } from '../../src/catalogue/select.js';
import { catalogue } from '../../tools/index.js';
import { cases, nameInMode } from '../fixtures/bindings.js';
import { defaultHandler, type RecordingServer, startRecordingServer } from '../helpers/recording-server.js';
import { type StdioSession, startStdio } from '../helpers/stdio.js';

const KEY = `g8_test_${randomBytes(20).toString('hex')}`;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface CallResult {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  content: { type: string; text?: string }[];
}

describe.each(['dev', 'gtm', 'all'] as const)('mode %s', (mode) => {
  let backend: RecordingServer;
  let session: StdioSession;
  let tools: Tool[];
  const texts: string[] = [];

  beforeAll(async () => {
    backend = await startRecordingServer();
    session = await startStdio({
      G8_API_KEY: KEY,
      G8_API_URL: backend.url,
      G8_MCP_MODE: mode,
      G8_CONFIRM: 'never',
      G8_DISCOVERY: 'off',
    });
    tools = (await session.client.listTools()).tools;
  });

  afterAll(async () => {
    await session?.close();
    await backend?.close();
    // The key must never show up anywhere a person or a model could read it.
    expect(session.stderr()).not.toContain(KEY);
    for (const text of texts) expect(text).not.toContain(KEY);
  });

  const modeCases = cases.filter((c) => nameInMode(c, mode));

  it('lists exactly the tools the cases cover', () => {
    const expected = new Set([...modeCases.map((c) => nameInMode(c, mode)), 'g8_whoami']);
    expect(new Set(tools.map((t) => t.name))).toEqual(expected);
    expect(tools.length).toBe(toolsForMode(catalogue, mode).length + 1);
  });

  it.each(modeCases.map((c) => [`${nameInMode(c, mode)}${c.label ? ` (${c.label})` : ''}`, c] as const))(
    '%s sends what the contract says',
    async (_label, c) => {
      const name = nameInMode(c, mode)!;
      backend.reset();
      backend.setHandler((req) => c.replies?.[`${req.method} ${req.path}`] ?? defaultHandler(req));
      const result = (await session.client.callTool({ name, arguments: c.args })) as CallResult;
      texts.push(JSON.stringify(result));
      expect(result.isError, JSON.stringify(result)).toBeFalsy();
      expect(
        backend.requests.map((r) => ({ method: r.method, path: r.path, query: r.query, body: r.body })),
      ).toEqual(
        c.calls.map((e) => ({
          method: e.method,
          path: `/api/v1${e.path}`,
          query: e.query ?? {},
          body: e.body,
        })),
      );
      const tool = tools.find((t) => t.name === name)!;
      const readOnly = tool.annotations?.readOnlyHint === true;
      for (const req of backend.requests) {
        expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
        expect(req.headers['user-agent']).toMatch(/^g8-mcp-server\/\d+\.\d+\.\d+/);
        expect(req.headers.accept).toBe('application/json');
        if (req.method === 'POST' && !readOnly) expect(req.headers['idempotency-key']).toMatch(UUID_V4);
        else expect(req.headers['idempotency-key']).toBeUndefined();
        if (req.body !== undefined) expect(req.headers['content-type']).toBe('application/json');
      }
      // structuredContent and the text block carry the same JSON.
      const text = result.content.find((p) => p.type === 'text')?.text ?? '';
      expect(JSON.parse(text)).toEqual(result.structuredContent);
      c.expectResult?.(result.structuredContent ?? {});
    },
  );

  it('refuses invalid arguments without touching the network, naming the field', async () => {
    for (const tool of tools) {
      backend.reset();
      const required = (tool.inputSchema.required as string[] | undefined) ?? [];
      const args: Record<string, unknown> = required.length ? {} : { bogus_field: 1 };
      const result = (await session.client.callTool({ name: tool.name, arguments: args })) as CallResult;
      texts.push(JSON.stringify(result));
      expect(result.isError, tool.name).toBe(true);
      const text = result.content[0]?.text ?? '';
      expect(text, tool.name).toContain(required[0] ?? 'bogus_field');
      expect(backend.requests, tool.name).toHaveLength(0);
    }
  });

  it('g8_send_reply without from_address is refused before anything is sent, on every channel', async () => {
    for (const channel of ['email', 'sms', 'linkedin']) {
      backend.reset();
      const result = (await session.client.callTool({
        name: 'g8_send_reply',
        arguments: { reply_id: 'thr_1', body: 'Hi', channel, to: '+14155550123' },
      })) as CallResult;
      expect(result.isError, channel).toBe(true);
      expect(result.structuredContent?.error, channel).toMatchObject({ field: 'from_address' });
      expect(backend.requests, channel).toHaveLength(0);
    }
  });

  it('refuses a wrong type, naming the field', async () => {
    backend.reset();
    const name = mode === 'all' || mode === 'dev' ? 'g8_status' : 'g8_get_campaign';
    const field = name === 'g8_status' ? 'repo_id' : 'campaign_id';
    const result = (await session.client.callTool({ name, arguments: { [field]: 42 } })) as CallResult;
    expect(result.isError).toBe(true);
    expect(result.structuredContent?.error).toMatchObject({ field, code: 'invalid_arguments', status: null });
    expect(backend.requests).toHaveLength(0);
  });
});
