/**
 * The error model at a tool call, through the real server factory and the SDK v2 client over
 * Streamable HTTP: a tool's own argument rule (UsageError) is invalid arguments; an injected bug
 * (a TypeError in a tool) is an internal error whose request id is the one its stack is logged
 * under, and nothing of the bug's text reaches the model.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiClient } from '../../src/api/client.js';
import { defineTool } from '../../src/catalogue/types.js';
import { UsageError } from '../../src/platform/errors.js';
import { errorOf } from '../helpers/error-body.js';
import { type RecordingServer, startRecordingServer } from '../helpers/recording-server.js';
import { buildTestServer } from '../helpers/server.js';

const SECRET_DETAIL = 'cannot read properties of undefined (reading "column_id") at secret/path.ts';

function faulty(name: string, thrown: () => Error) {
  return defineTool({
    name,
    title: name,
    description: 'A test tool that fails the way its name says.',
    toolset: 'contacts',
    scope: 'contacts:read',
    tier: 'read',
    input: z.object({ n: z.number().int().describe('any number') }),
    run: async () => {
      throw thrown();
    },
  });
}

describe('errors outside the API, at the model', () => {
  let backend: RecordingServer;
  let client: Client;
  let handler: ReturnType<typeof createMcpHandler>;
  let api: ApiClient;
  const logged: { obj: Record<string, unknown>; msg: string }[] = [];

  beforeAll(async () => {
    backend = await startRecordingServer();
    api = new ApiClient({ apiUrl: backend.url, userAgent: 'test', timeoutMs: 5000 });
    const tools = [
      { name: 'g8_test_bug', spec: faulty('g8_test_bug', () => new TypeError(SECRET_DETAIL)) },
      { name: 'g8_test_rule', spec: faulty('g8_test_rule', () => new UsageError('give n or m, not both')) },
    ];
    const logger = {
      debug() {},
      error(obj: object, msg: string) {
        logged.push({ obj: obj as Record<string, unknown>, msg });
      },
    };
    handler = createMcpHandler(() =>
      buildTestServer({ tools, api, credential: () => 'g8_test_key', logger, scopeFilter: false }),
    );
    const transport = new StreamableHTTPClientTransport(new URL('http://test.local/mcp'), {
      fetch: (url, init) => handler.fetch(new Request(url, init)),
    });
    client = new Client({ name: 'errors', version: '1' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(transport);
  });
  afterAll(async () => {
    await client.close();
    await handler.close();
    await api.close();
    await backend.close();
  });

  it('a bug is an internal error with the request id its stack is logged under', async () => {
    const result = await client.callTool({ name: 'g8_test_bug', arguments: { n: 1 } });
    const body = errorOf(result);
    expect(body.code).toBe('internal_error');
    expect(body.type).toBe('internal');
    expect(body.request_id).toMatch(/^g8-[0-9a-f-]{36}$/);
    expect(body.message).toContain(`request id ${body.request_id}`);
    expect(JSON.stringify(result)).not.toContain('column_id');
    const entry = logged.find((l) => l.obj.request_id === body.request_id);
    expect(entry?.msg).toBe('internal error in a tool call');
    expect((entry?.obj.err as Error | undefined)?.stack).toContain(SECRET_DETAIL);
    expect(backend.requests).toHaveLength(0);
  });

  it("a tool's own argument rule is invalid arguments, not an internal error", async () => {
    const body = errorOf(await client.callTool({ name: 'g8_test_rule', arguments: { n: 1 } }));
    expect(body).toMatchObject({ code: 'invalid_arguments', message: 'give n or m, not both' });
    expect(logged.filter((l) => l.msg === 'internal error in a tool call')).toHaveLength(1);
  });
});
