/**
 * JSON response mode (G8_HTTP_JSON_RESPONSE) with shared 2025-era sessions on two in-process
 * replicas: a call's answer is one JSON body, so a confirmation's question goes to the client's GET
 * stream, which may be open on the other replica. Asked there (over Redis pub/sub), answered there,
 * the call on the first replica acts once; with no GET stream open anywhere, it fails at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteServer } from '../../src/remote/server.js';
import type { Stack } from '../helpers/http-stack.js';
import { type Replicas, startReplicas } from '../helpers/replicas.js';
import { emailReply } from '../helpers/sandbox-picks.js';

let replicas: Replicas;
let stack: Stack;
let a: RemoteServer;
let b: RemoteServer;

beforeAll(async () => {
  replicas = await startReplicas({ G8_HTTP_JSON_RESPONSE: 'true', G8_DISCOVERY: 'off' });
  ({ stack, a, b } = replicas);
});

afterAll(() => replicas?.close());

// biome-ignore lint/suspicious/noExplicitAny: wire answers are asserted field by field
type Wire = Record<string, any>;
const urlOf = (server: RemoteServer) => `http://127.0.0.1:${server.port}/mcp`;

function post(server: RemoteServer, body: Wire, session?: string) {
  return fetch(urlOf(server), {
    method: 'POST',
    headers: {
      'x-api-key': stack.sandbox.demoKey,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(session ? { 'mcp-session-id': session } : {}),
    },
    body: JSON.stringify(body),
  });
}

async function open(server: RemoteServer): Promise<string> {
  const params = {
    protocolVersion: '2025-06-18',
    capabilities: { elicitation: { form: {} } },
    clientInfo: { name: 'json-test', version: '1' },
  };
  const init = await post(server, { jsonrpc: '2.0', id: 1, method: 'initialize', params });
  expect(init.status).toBe(200);
  await init.text();
  const session = init.headers.get('mcp-session-id') as string;
  await (await post(server, { jsonrpc: '2.0', method: 'notifications/initialized' }, session)).text();
  return session;
}

const sendReply = (id: number, text: string) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'g8_send_reply', arguments: emailReply(stack.sandbox.db, text) },
});

describe('JSON response mode, shared sessions', () => {
  it('a question asked by replica A reaches the GET stream open on replica B; the answer there lets A act once', async () => {
    const session = await open(a);
    const abort = new AbortController();
    const stream = await fetch(urlOf(b), {
      headers: { 'x-api-key': stack.sandbox.demoKey, accept: 'text/event-stream', 'mcp-session-id': session },
      signal: abort.signal,
    });
    expect(stream.status).toBe(200);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const call = post(a, sendReply(5, 'json across replicas'), session);
    let text = '';
    while (!text.includes('elicitation/create')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const question = JSON.parse(/^data: (.*elicitation\/create.*)$/m.exec(text)?.[1] ?? '{}') as Wire;
    expect(question.params.message).toMatch(/g8_send_reply/);
    const answered = await post(
      b,
      { jsonrpc: '2.0', id: question.id, result: { action: 'accept', content: { confirm: true } } },
      session,
    );
    expect(answered.status).toBe(202);
    const res = await call;
    const answer = (await res.json()) as Wire;
    abort.abort();
    expect(answer.id).toBe(5);
    expect(answer.result.structuredContent).toMatchObject({ status: 'sent' });
    expect(stack.proxy.requests.filter((r) => r.url.endsWith('/send'))).toHaveLength(1);
  });

  it('with no GET stream open on any replica, the question fails the call at once', async () => {
    const session = await open(a);
    const before = stack.proxy.requests.filter((r) => r.url.endsWith('/send')).length;
    const started = Date.now();
    const res = await post(a, sendReply(6, 'nobody to ask'), session);
    const answer = (await res.json()) as Wire;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(answer.id).toBe(6);
    expect(answer.error ?? answer.result?.isError).toBeTruthy();
    expect(stack.proxy.requests.filter((r) => r.url.endsWith('/send'))).toHaveLength(before);
  });
});
