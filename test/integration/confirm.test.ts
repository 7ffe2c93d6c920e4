/**
 * Confirmation before money or messages leave, through the built stdio server: a client that can
 * elicit is asked (accept and decline); one that cannot gets a preview and must send confirm:true.
 * Nothing reaches the backend before approval. Driven by the 2025-era client (SDK v1), whose
 * elicitation arrives within the call; eras.test.ts runs the same flows for both eras.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEND_REPLY } from '../helpers/confirm-token.js';
import { type RecordingServer, startRecordingServer } from '../helpers/recording-server.js';
import {
  MAIN,
  type StdioSession2025 as StdioSession,
  startStdio2025 as startStdio,
} from '../helpers/stdio.js';

const KEY = 'g8_test_confirmtestkey0000000000';
const SEND = SEND_REPLY;

interface Result {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
}

let backend: RecordingServer;
beforeAll(async () => {
  backend = await startRecordingServer();
});
afterAll(() => backend.close());
beforeEach(() => backend.reset());

describe('a client without elicitation', () => {
  let session: StdioSession;
  beforeAll(async () => {
    session = await startStdio({
      G8_API_KEY: KEY,
      G8_API_URL: backend.url,
      G8_MCP_MODE: 'all',
      G8_DISCOVERY: 'off',
    });
    await session.client.listTools();
  });
  afterAll(() => session.close());

  it('is told the confirm convention once, at initialize, not in every schema', async () => {
    expect(session.client.getInstructions()).toMatch(/"confirm": true/);
    const { tools } = await session.client.listTools();
    const send = tools.find((t) => t.name === 'g8_send_reply')!;
    expect((send.inputSchema.properties as Record<string, unknown>).confirm).toBeUndefined();
  });

  it('gets a preview first and nothing is sent', async () => {
    const r = (await session.client.callTool({ name: 'g8_send_reply', arguments: SEND })) as Result;
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ confirmation_required: true, tool: 'g8_send_reply' });
    expect(String(r.structuredContent?.summary)).toMatch(/thr_1.*Sends a real message to the contact/);
    expect(backend.requests).toHaveLength(0);
  });

  it('acts with confirm: true and the preview token, neither of which is sent upstream', async () => {
    const preview = (await session.client.callTool({ name: 'g8_send_reply', arguments: SEND })) as Result;
    const token = preview.structuredContent?.confirmation_token;
    expect(token).toEqual(expect.any(String));
    const r = (await session.client.callTool({
      name: 'g8_send_reply',
      arguments: { ...SEND, confirm: true, confirmation_token: token },
    })) as Result;
    expect(r.isError).toBeFalsy();
    expect(backend.requests).toHaveLength(1);
    const { reply_id: _inPath, ...body } = SEND;
    expect(backend.requests[0]!.body).toEqual(body);
    expect(backend.requests[0]!.rawBody).not.toContain(String(token));
  });

  it('the summary of a draft that sends nothing yet does not claim it reaches people now', async () => {
    const r = (await session.client.callTool({
      name: 'g8_create_sequence',
      arguments: { name: 'Draft', user_email: 'sam@acme.test', steps: [] },
    })) as Result;
    const summary = String(r.structuredContent?.summary);
    expect(summary).toMatch(/nothing is sent until/i);
    expect(summary).not.toMatch(/Reaches people or systems outside graph8/);
    expect(backend.requests).toHaveLength(0);
  });

  it('a dry run needs no confirmation', async () => {
    const r = (await session.client.callTool({
      name: 'g8_update_sequence',
      arguments: { sequence_id: 'seq_1', remove_linkedin: true, dry_run: true },
    })) as Result;
    expect(r.isError).toBeFalsy();
    expect(backend.requests).toHaveLength(1);
    expect(backend.requests[0]!.query).toMatchObject({ dry_run: 'true' });
  });

  it('read tools act at once', async () => {
    await session.client.callTool({ name: 'g8_search_contacts', arguments: {} });
    expect(backend.requests).toHaveLength(1);
  });
});

describe('a client with elicitation', () => {
  let client: Client;
  let answer: ElicitResult['action'] = 'accept';
  const asked: string[] = [];

  beforeAll(async () => {
    client = new Client({ name: 'elicit', version: '1' }, { capabilities: { elicitation: { form: {} } } });
    client.setRequestHandler(ElicitRequestSchema, (req) => {
      asked.push(req.params.message);
      return answer === 'accept' ? { action: 'accept', content: { confirm: true } } : { action: answer };
    });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [MAIN],
        env: { PATH: process.env.PATH ?? '', G8_API_KEY: KEY, G8_API_URL: backend.url, G8_DISCOVERY: 'off' },
      }),
    );
    await client.listTools();
  });
  afterAll(() => client.close());

  it('accept: the user is asked with a one-line summary, then the call goes out', async () => {
    answer = 'accept';
    asked.length = 0;
    const r = (await client.callTool({
      name: 'g8_delete_sequence',
      arguments: { sequence_id: 'seq_9' },
    })) as Result;
    expect(r.isError).toBeFalsy();
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/g8_delete_sequence.*seq_9.*cannot be restored.*Proceed\?/);
    expect(backend.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['DELETE /api/v1/sequences/seq_9']);
  });

  it.each(['decline', 'cancel'] as const)('%s: nothing reaches the backend', async (action) => {
    answer = action;
    const r = (await client.callTool({ name: 'g8_send_reply', arguments: SEND })) as Result;
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ cancelled: true });
    expect(backend.requests).toHaveLength(0);
  });
});
