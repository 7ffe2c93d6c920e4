/**
 * Streamable HTTP for 2025-era clients, as remote mode serves it: sessions on the SDK's sessionful
 * transport behind our guard (src/remote/legacy.ts). The status codes and JSON-RPC errors of every
 * refusal, notifications, batches, the GET stream, DELETE — and, through the SDK's own client,
 * progress notifications, cancellation and elicitation.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmedArgsOver } from '../helpers/confirm-token.js';
import { type Stack, startStack } from '../helpers/http-stack.js';
import { enrichArgs } from '../helpers/sandbox-picks.js';

let stack: Stack;
let mcp: string;
let key: string;

beforeAll(async () => {
  stack = await startStack({ env: { G8_DISCOVERY: 'off' } });
  mcp = stack.remote.url;
  key = stack.sandbox.demoKey;
});

afterAll(async () => {
  await stack?.close();
});

const BASE = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

function post(body: unknown, headers: Record<string, string> = {}, url = mcp): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { ...BASE, authorization: `Bearer ${key}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

async function openSession(): Promise<Record<string, string>> {
  const res = await post(INIT);
  expect(res.status).toBe(200);
  await res.text();
  const id = res.headers.get('mcp-session-id');
  expect(id).toBeTruthy();
  const session = { 'mcp-session-id': id as string, 'mcp-protocol-version': '2025-06-18' };
  const note = await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session);
  expect(note.status).toBe(202);
  expect(await note.text()).toBe('');
  return session;
}

/** The JSON-RPC messages of an SSE answer, in order. */
async function events(res: Response): Promise<Record<string, unknown>[]> {
  const text = await res.text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>);
}

/** The error of an HTTP-level refusal; `id` is the request's when the server could know it. */
async function rpcError(
  res: Response,
  id: string | number | null = null,
): Promise<{ code: number; message: string }> {
  const body = (await res.json()) as { error: { code: number; message: string }; id: unknown };
  expect(body.id).toBe(id);
  return body.error;
}

const call = (id: number, name: string, args: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

/** Enrichment arguments with the token of a preview: these sessions declare no elicitation. */
const enrichArgsOf = () => confirmedArgsOver(mcp, key, 'g8_enrich_contacts', enrichArgs(stack.sandbox.db));

describe('refusals: status codes and JSON-RPC errors', () => {
  it('406 without both media types in Accept, 415 for a non-JSON body', async () => {
    const session = await openSession();
    const a = await post(call(2, 'g8_whoami'), { ...session, accept: 'application/json' });
    expect(a.status).toBe(406);
    // The transport's own refusals carry the request's id too, once the body could be read.
    expect(await rpcError(a, 2)).toEqual({
      code: -32000,
      message: 'Not Acceptable: Client must accept both application/json and text/event-stream',
    });
    const b = await post('x=1', { ...session, 'content-type': 'text/plain' });
    expect(b.status).toBe(415);
    expect((await rpcError(b)).message).toMatch(/Content-Type must be application\/json/);
  });

  it('400 -32700 for invalid JSON and for JSON that is not JSON-RPC; -32600 for an oversize batch', async () => {
    const session = await openSession();
    const bad = await post('{"jsonrpc": "2.0", "id": 1,', session);
    expect(bad.status).toBe(400);
    expect((await rpcError(bad)).code).toBe(-32700);
    const notRpc = await post({ hello: 'world' }, session);
    expect(notRpc.status).toBe(400);
    expect(await rpcError(notRpc)).toEqual({
      code: -32600,
      message: 'Bad Request: the request body is not a valid JSON-RPC message',
    });
    const extraKey = await post({ ...call(2, 'g8_whoami'), extra: true }, session);
    expect(extraKey.status).toBe(400);
    const batch = await post(
      Array.from({ length: 101 }, (_, i) => call(i + 2, 'g8_whoami')),
      session,
    );
    expect(batch.status).toBe(400);
    expect((await rpcError(batch)).code).toBe(-32600);
  });

  it('a second initialize, an unknown protocol version, a missing or unknown session: errors with the request id', async () => {
    const session = await openSession();
    const again = await post(INIT, session);
    expect(again.status).toBe(400);
    expect((await rpcError(again, 1)).message).toBe('Invalid Request: Server already initialized');
    const version = await post(call(2, 'g8_whoami'), { ...session, 'mcp-protocol-version': '1999-01-01' });
    expect(version.status).toBe(400);
    expect((await rpcError(version, 2)).message).toMatch(/Unsupported protocol version: 1999-01-01/);
    const none = await post(call(2, 'g8_whoami'));
    expect(none.status).toBe(400);
    expect((await rpcError(none, 2)).message).toMatch(/initialize a session first/);
    const unknown = await post(call(3, 'g8_whoami'), { ...session, 'mcp-session-id': 'nope' });
    expect(unknown.status).toBe(404);
    expect((await rpcError(unknown, 3)).code).toBe(-32001);
  });

  it('PUT is 405 with Allow; a body over 4 MB is 413 and the session still answers', async () => {
    const session = await openSession();
    const put = await fetch(mcp, { method: 'PUT', headers: { authorization: `Bearer ${key}`, ...session } });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST, DELETE');
    const huge = await post(
      call(2, 'g8_search_contacts', { q: 'x'.repeat(4 * 1024 * 1024 + 10) }),
      session,
    ).catch((error: unknown) => error as Error);
    // The server answers before reading it all; fetch may see the answer or a reset socket.
    if (huge instanceof Response) expect(huge.status).toBe(413);
    const ok = await post(call(3, 'g8_whoami'), session);
    expect(ok.status).toBe(200);
    expect((await events(ok))[0]).toMatchObject({ id: 3, result: { structuredContent: {} } });
  });
});

describe('answers', () => {
  it('one tools/call: one SSE event with the result, the session id on the answer', async () => {
    const session = await openSession();
    const res = await post(call(7, 'g8_search_contacts', { limit: 2 }), session);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('mcp-session-id')).toBe(session['mcp-session-id']);
    const [message, ...rest] = await events(res);
    expect(rest).toEqual([]);
    const result = (
      message as { result: { structuredContent: { items: unknown[] }; content: { text: string }[] } }
    ).result;
    expect(message).toMatchObject({ jsonrpc: '2.0', id: 7 });
    expect(result.structuredContent.items).toHaveLength(2);
    expect(JSON.parse(result.content[0]!.text)).toEqual(result.structuredContent);
  });

  it('a batch: every answer on one stream; requests and notifications mixed', async () => {
    const session = await openSession();
    const res = await post(
      [
        call(10, 'g8_whoami'),
        { jsonrpc: '2.0', method: 'notifications/roots/list_changed' },
        { jsonrpc: '2.0', id: 11, method: 'tools/list' },
        call(12, 'g8_search_contacts', { limit: 1 }),
      ],
      session,
    );
    expect(res.status).toBe(200);
    const ids = (await events(res)).map((m) => m.id).sort();
    expect(ids).toEqual([10, 11, 12]);
  });

  it('unknown tool: a tool error the model reads; malformed calls: JSON-RPC errors', async () => {
    const session = await openSession();
    const [unknown] = await events(await post(call(20, 'g8_nope'), session));
    expect(unknown).toMatchObject({
      id: 20,
      result: {
        isError: true,
        structuredContent: { error: { code: 'unknown_tool', message: 'Unknown tool: g8_nope' } },
      },
    });
    // No name: not a call the direct path takes; the SDK's own validation answers.
    const [noName] = await events(
      await post({ jsonrpc: '2.0', id: 21, method: 'tools/call', params: { arguments: {} } }, session),
    );
    expect(noName).toMatchObject({ id: 21, error: { code: expect.any(Number), message: /name/ } });
    // Bad arguments are a tool result, not a protocol error.
    const [badArgs] = await events(await post(call(22, 'g8_search_contacts', { limit: 'ten' }), session));
    expect(badArgs).toMatchObject({ id: 22, result: { isError: true } });
  });

  it('a notification or a client response alone is 202 with no body', async () => {
    const session = await openSession();
    const res = await post({ jsonrpc: '2.0', id: 99, result: {} }, session);
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
  });

  it('GET opens the one stream for server messages; a second GET is 409; DELETE ends the session', async () => {
    const session = await openSession();
    const controller = new AbortController();
    const stream = await fetch(mcp, {
      headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream', ...session },
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const second = await fetch(mcp, {
      headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream', ...session },
    });
    expect(second.status).toBe(409);
    const noAccept = await fetch(mcp, { headers: { authorization: `Bearer ${key}`, ...session } });
    expect(noAccept.status).toBe(406);
    controller.abort();
    const del = await fetch(mcp, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${key}`, ...session },
    });
    expect(del.status).toBe(200);
    const after = await post(call(2, 'g8_whoami'), session);
    expect(after.status).toBe(404);
  });
});

describe('through the SDK client: progress, cancellation, elicitation', () => {
  async function connect(capabilities: Record<string, unknown> = {}): Promise<Client> {
    const client = new Client({ name: 'protocol', version: '1' }, { capabilities });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mcp), {
        requestInit: { headers: { authorization: `Bearer ${key}` } },
      }),
    );
    return client;
  }

  it('progress notifications of a polled job arrive on the call’s own stream', async () => {
    const client = await connect();
    try {
      const updates: { progress: number; message?: string }[] = [];
      const r = await client.callTool(
        { name: 'g8_enrich_contacts', arguments: await enrichArgsOf() },
        undefined,
        {
          onprogress: (p) => updates.push(p),
          timeout: 30_000,
        },
      );
      expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
      expect(r.structuredContent).toMatchObject({ status: 'completed' });
      expect(updates.length).toBeGreaterThanOrEqual(1);
      expect(updates.map((u) => u.message).join(' ')).toMatch(/enrichment job/);
    } finally {
      await client.close();
    }
  });

  it('cancelling a call stops its work: the job is no longer polled', async () => {
    const client = await connect();
    try {
      const controller = new AbortController();
      const pending = client.callTool(
        { name: 'g8_enrich_contacts', arguments: await enrichArgsOf() },
        undefined,
        {
          onprogress: () => {},
          signal: controller.signal,
          timeout: 30_000,
        },
      );
      await sleep(700);
      controller.abort('user cancelled');
      await expect(pending).rejects.toThrow();
      const polls = () => stack.proxy.requests.filter((q) => /\/jobs\//.test(q.url)).length;
      await sleep(300);
      const atCancel = polls();
      await sleep(1500);
      expect(polls()).toBe(atCancel);
    } finally {
      await client.close();
    }
  });

  it('a gated tool asks the user (elicitation on the call’s stream), and declining sends nothing', async () => {
    const client = await connect({ elicitation: { form: {} } });
    const asked: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, (req) => {
      asked.push(req.params.message);
      return { action: 'decline' };
    });
    try {
      const before = stack.proxy.requests.length;
      const r = await client.callTool({
        name: 'g8_send_reply',
        arguments: { reply_id: 'thr_1', body: 'Thanks!', channel: 'email', from_address: 'sam@acme.test' },
      });
      expect(r.isError).toBeFalsy();
      expect(r.structuredContent).toMatchObject({ cancelled: true });
      expect(asked).toHaveLength(1);
      expect(asked[0]).toMatch(/g8_send_reply/);
      expect(stack.proxy.requests.slice(before).filter((q) => q.method === 'POST')).toEqual([]);
    } finally {
      await client.close();
    }
  });
});

describe('stateless mode: tools/calls without a Server', () => {
  let url: string;
  beforeAll(async () => {
    url = (await stack.restart({ G8_HTTP_STATELESS: 'true', G8_DISCOVERY: 'off' })).url;
  });

  it('a batch of calls, a mixed batch, and progress on the POST’s own stream', async () => {
    const batch = await post([call(1, 'g8_search_contacts', { limit: 1 }), call(2, 'g8_whoami')], {}, url);
    expect(batch.status).toBe(200);
    expect(batch.headers.get('mcp-session-id')).toBeNull();
    const answers = await events(batch);
    expect(answers.map((m) => m.id).sort()).toEqual([1, 2]);
    expect(answers.every((m) => 'result' in m)).toBe(true);

    const mixed = await events(
      await post([{ jsonrpc: '2.0', id: 3, method: 'tools/list' }, call(4, 'g8_whoami')], {}, url),
    );
    expect(mixed.map((m) => m.id).sort()).toEqual([3, 4]);

    const progress = await events(
      await post(
        {
          jsonrpc: '2.0',
          id: 5,
          method: 'tools/call',
          params: {
            name: 'g8_enrich_contacts',
            arguments: await enrichArgsOf(),
            _meta: { progressToken: 'p5' },
          },
        },
        {},
        url,
      ),
    );
    const last = progress.at(-1);
    expect(last).toMatchObject({ id: 5, result: { structuredContent: { status: 'completed' } } });
    const notes = progress.slice(0, -1);
    expect(notes.length).toBeGreaterThanOrEqual(1);
    for (const n of notes) {
      expect(n).toMatchObject({ method: 'notifications/progress', params: { progressToken: 'p5' } });
    }
  });
});

describe('cancellation ends the stream; odd but valid bodies', () => {
  it('a cancelled call gets no answer; the client ends its stream and may reuse the id', async () => {
    const session = await openSession();
    const controller = new AbortController();
    const pending = fetch(mcp, {
      method: 'POST',
      headers: { ...BASE, authorization: `Bearer ${key}`, ...session },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 40,
        method: 'tools/call',
        params: {
          name: 'g8_enrich_contacts',
          arguments: await enrichArgsOf(),
          _meta: { progressToken: 't40' },
        },
      }),
      signal: controller.signal,
    });
    const res = await pending;
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const reading = (async () => {
      for (;;) {
        const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (chunk.done) return;
        text += decoder.decode(chunk.value);
      }
    })();
    await sleep(400);
    const cancel = await post(
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 40, reason: 'test' } },
      session,
    );
    expect(cancel.status).toBe(202);
    // The job takes ~3 s: wait past it; no result for 40 may arrive.
    await sleep(3500);
    controller.abort();
    await reading;
    expect(text).not.toMatch(/"id":40/);
    await sleep(100);
    const again = await post(call(40, 'g8_whoami'), session);
    expect(again.status).toBe(200);
    expect((await events(again))[0]).toMatchObject({ id: 40, result: {} });
  }, 15_000);

  it('a body with a byte-order mark is read as JSON', async () => {
    const session = await openSession();
    const res = await post(`\uFEFF${JSON.stringify(call(41, 'g8_whoami'))}`, session);
    expect(res.status).toBe(200);
    expect((await events(res))[0]).toMatchObject({ id: 41, result: {} });
  });
});

describe('JSON response mode (G8_HTTP_JSON_RESPONSE)', () => {
  let url: string;
  beforeAll(async () => {
    url = (await stack.restart({ G8_HTTP_JSON_RESPONSE: 'true', G8_DISCOVERY: 'off' })).url;
  });

  it('a question with no GET stream open to carry it fails the call at once instead of waiting', async () => {
    const init = await post(
      { ...INIT, params: { ...INIT.params, capabilities: { elicitation: { form: {} } } } },
      {},
      url,
    );
    const session = { 'mcp-session-id': init.headers.get('mcp-session-id') as string };
    await init.text();
    await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session, url);
    const started = Date.now();
    const res = await post(
      call(5, 'g8_send_reply', {
        reply_id: 'thr_1',
        body: 'Thanks!',
        channel: 'email',
        to: 'a@b.co',
        from_address: 'sam@acme.test',
      }),
      session,
      url,
    );
    const answer = (await res.json()) as { id: number; result?: { isError?: boolean }; error?: unknown };
    expect(Date.now() - started).toBeLessThan(5000);
    expect(answer.id).toBe(5);
    expect(answer.error ?? answer.result?.isError).toBeTruthy();
    expect(stack.proxy.requests.filter((r) => r.url.endsWith('/send'))).toHaveLength(0);
  });

  it('a batch is answered as one JSON array, in the order of the requests', async () => {
    const init = await post(INIT, {}, url);
    const session = { 'mcp-session-id': init.headers.get('mcp-session-id') as string };
    await init.text();
    const res = await post([call(1, 'g8_search_contacts', { limit: 5 }), call(2, 'g8_whoami')], session, url);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as { id: number }[];
    expect(body.map((m) => m.id)).toEqual([1, 2]);
  });

  it('elicitation still reaches the user, on the GET stream', async () => {
    const client = new Client(
      { name: 'json-elicit', version: '1' },
      { capabilities: { elicitation: { form: {} } } },
    );
    const asked: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, (req) => {
      asked.push(req.params.message);
      return { action: 'decline' };
    });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { authorization: `Bearer ${key}` } },
      }),
    );
    try {
      // The SDK client opens its GET stream right after initialize; give it a moment to be up.
      await client.listTools();
      await sleep(200);
      const r = await client.callTool(
        {
          name: 'g8_send_reply',
          arguments: { reply_id: 'thr_1', body: 'Thanks!', channel: 'email', from_address: 'sam@acme.test' },
        },
        undefined,
        { timeout: 10_000 },
      );
      expect(r.structuredContent).toMatchObject({ cancelled: true });
      expect(asked).toHaveLength(1);
    } finally {
      await client.close();
    }
  });
});

describe('the guard in front of the session transport', () => {
  it('one id twice in one batch is refused with that id', async () => {
    const session = await openSession();
    const res = await post([call(61, 'g8_whoami'), call(61, 'g8_whoami')], session);
    expect(res.status).toBe(409);
    expect((await rpcError(res, 61)).message).toMatch(/already being answered/);
  });

  it('three concurrent POSTs with one id: one is answered, the others are refused with that id', async () => {
    const session = await openSession();
    const slow = {
      jsonrpc: '2.0',
      id: 77,
      method: 'tools/call',
      params: {
        name: 'g8_enrich_contacts',
        arguments: await enrichArgsOf(),
        _meta: { progressToken: 't77' },
      },
    };
    const answers = await Promise.all([post(slow, session), post(slow, session), post(slow, session)]);
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409]);
    for (const refused of answers.filter((r) => r.status === 409)) {
      expect((await rpcError(refused, 77)).message).toMatch(/already being answered/);
    }
    const ok = answers.find((r) => r.status === 200) as Response;
    const final = (await events(ok)).find((m) => m.id === 77);
    expect(final).toMatchObject({ id: 77, result: { structuredContent: { status: 'completed' } } });
    // Once answered, the id is free again.
    const again = await post(call(77, 'g8_whoami'), session);
    expect(again.status).toBe(200);
  }, 20_000);

  it('a client that lost its stream resumes it with Last-Event-ID and gets what it missed', async () => {
    const session = await openSession();
    const res = await post(
      {
        jsonrpc: '2.0',
        id: 88,
        method: 'tools/call',
        params: {
          name: 'g8_enrich_contacts',
          arguments: await enrichArgsOf(),
          _meta: { progressToken: 't88' },
        },
      },
      session,
    );
    // Read up to the first progress event, then drop the connection.
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!/"progress"/.test(text)) text += decoder.decode((await reader.read()).value);
    await reader.cancel();
    const ids = [...text.matchAll(/^id: (.+)$/gm)].map((m) => m[1] as string);
    expect(ids.length).toBeGreaterThan(0);
    // As a client reconnects: the server may not have seen the old connection go yet (409), so retry.
    const reconnect = () =>
      fetch(mcp, {
        headers: {
          authorization: `Bearer ${key}`,
          accept: 'text/event-stream',
          'last-event-id': ids.at(-1) as string,
          ...session,
        },
      });
    let resumed = await reconnect();
    for (let i = 0; i < 20 && resumed.status === 409; i++) {
      await resumed.text();
      await sleep(100);
      resumed = await reconnect();
    }
    expect(resumed.status).toBe(200);
    const replayed = await events(resumed);
    expect(replayed.find((m) => m.id === 88)).toMatchObject({
      result: { structuredContent: { status: 'completed' } },
    });
  }, 20_000);
});
