/**
 * 2025-era sessions (Mcp-Session-Id) served by ANY replica: two replicas of the built server on the
 * real PostgreSQL and Redis behind a round-robin proxy without affinity, driven by the v1 SDK client
 * (@modelcontextprotocol/sdk). One session throughout: calls alternate replicas (the one that did not
 * open it rebuilds it from its Redis record); a confirmation asked on one replica is answered through
 * the other; a `notifications/cancelled` sent to the other replica stops the call; an SSE stream cut
 * on one replica is resumed with Last-Event-ID on the other, nothing lost or repeated; and when the
 * replica that opened the session is killed (SIGKILL), the client carries on through the survivor.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Engines, freshEngines } from '../helpers/engines.js';
import { type ReplicaCluster, startReplicaCluster } from '../helpers/replica-cluster.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { emailReply, enrichArgs } from '../helpers/sandbox-picks.js';

const CLIENT = 'cluster-sessions-test';
let engines: Engines;
let sb: TestSandbox;
let cluster: ReplicaCluster;
let client: Client;
let transport: StreamableHTTPClientTransport;
const asked: string[] = [];
/** Called when the user is asked, before the answer (a test may cancel the call meanwhile). */
let onAsk = () => {};

beforeAll(async () => {
  engines = await freshEngines();
  sb = await startTestSandbox();
  cluster = await startReplicaCluster({ ...engines.env, G8_API_URL: sb.url, G8_DISCOVERY: 'off' });
  client = new Client({ name: CLIENT, version: '1.2.3' }, { capabilities: { elicitation: {} } });
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    asked.push(request.params.message);
    onAsk();
    // A person takes a moment to answer.
    await new Promise((r) => setTimeout(r, 300));
    return { action: 'accept', content: { confirm: true } };
  });
  transport = new StreamableHTTPClientTransport(new URL(cluster.url), {
    requestInit: { headers: { 'X-API-Key': sb.demoKey } },
  });
  await client.connect(transport);
}, 90_000);

afterAll(async () => {
  await client?.close().catch(() => {});
  await cluster?.close();
  await sb?.stop();
  await engines?.drop();
});

const isCall = (body: string, tool: string) => body.includes('"tools/call"') && body.includes(`"${tool}"`);
/** A client's answer to a question of the server: a JSON-RPC response, no method. */
const isAnswer = (body: string) => body.includes('"result"') && !body.includes('"method"');

// biome-ignore lint/suspicious/noExplicitAny: wire messages are asserted field by field
type Wire = Record<string, any>;
interface SseEvent {
  readonly id?: string;
  readonly data: Wire | undefined;
}

/** A raw request in the session, sent through the proxy to the replica named (X-Test-Replica). */
function inSession(
  replica: number,
  init: { method: string; body?: Wire; lastEventId?: string; signal?: AbortSignal },
) {
  return fetch(cluster.url, {
    method: init.method,
    headers: {
      'x-api-key': sb.demoKey,
      'x-test-replica': String(replica),
      'mcp-session-id': transport.sessionId as string,
      'mcp-protocol-version': '2025-11-25',
      accept: init.method === 'GET' ? 'text/event-stream' : 'application/json, text/event-stream',
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...(init.lastEventId ? { 'last-event-id': init.lastEventId } : {}),
    },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

/** An SSE response read in parts: `until` reads events until `stop` says so (then cuts, if given) or it ends. */
function sse(res: Response) {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return async function until(stop: (e: SseEvent) => boolean, cut?: AbortController): Promise<SseEvent[]> {
    const events: SseEvent[] = [];
    for (;;) {
      let at = buffer.indexOf('\n\n');
      while (at !== -1) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        at = buffer.indexOf('\n\n');
        const id = /^id: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (id === undefined && data === undefined) continue;
        const event: SseEvent = { ...(id ? { id } : {}), data: data ? JSON.parse(data) : undefined };
        events.push(event);
        if (stop(event)) {
          cut?.abort();
          return events;
        }
      }
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return events;
      buffer += decoder.decode(value, { stream: true });
    }
  };
}

async function until<T>(find: () => T[], ms = 5_000): Promise<T[]> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    const found = find();
    if (found.length) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  return find();
}

async function auditOf(tool: string, wanted: number) {
  for (let i = 0; i < 100; i++) {
    const rows = await engines.query<{ outcome: string; client_name: string }>(
      'SELECT outcome, client_name FROM audit WHERE tool = $1 ORDER BY at',
      [tool],
    );
    if (rows.length >= wanted) return rows;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`fewer than ${wanted} audit records of ${tool}`);
}

describe('a 2025-era session across two replicas', () => {
  it('initialize, list, and 50 calls alternating replicas: one session, its record in Redis', async () => {
    const sessionId = transport.sessionId as string;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const stored = await engines.redis().hgetall(`${engines.redisPrefix}sess:${sessionId}`);
    // The owner is the key's hash: the key itself is never in Redis.
    expect(JSON.stringify(stored)).not.toContain(sb.demoKey);
    expect(Number(stored.lastSeen)).toBeGreaterThan(Date.now() - 60_000);
    const record = JSON.parse(stored.record ?? '{}');
    expect(record.owner).toMatch(/^key:[0-9a-f]{64}$/);
    expect(record).toMatchObject({ id: sessionId, clientInfo: { name: CLIENT, version: '1.2.3' } });
    expect(record.capabilities).toEqual({ elicitation: {} });

    let turn = 0;
    cluster.route = (req, body) =>
      req.method === 'POST' && isCall(body, 'g8_search_contacts') ? turn++ % 2 : undefined;
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('g8_search_contacts');
    for (let i = 0; i < 50; i++) {
      const r = await client.callTool({ name: 'g8_search_contacts', arguments: { limit: 1 } });
      expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    }
    const calls = cluster.landed.filter((l) => isCall(l.body, 'g8_search_contacts'));
    expect(calls.map((l) => l.replica).filter((r) => r === 0)).toHaveLength(25);
    expect(calls.map((l) => l.replica).filter((r) => r === 1)).toHaveLength(25);
    expect(transport.sessionId).toBe(sessionId);
    // The replica that did not open the session rebuilt it with the client's own initialize.
    const audit = await auditOf('g8_search_contacts', 50);
    expect(new Set(audit.map((a) => `${a.outcome} ${a.client_name}`))).toEqual(new Set([`ok ${CLIENT}`]));
  }, 120_000);

  it('a confirmation asked on replica 0 is answered through replica 1, and acts once', async () => {
    cluster.route = (req, body) => {
      if (req.method !== 'POST') return undefined;
      if (isCall(body, 'g8_send_reply')) return 0;
      if (isAnswer(body)) return 1;
      return undefined;
    };
    asked.length = 0;
    const r = await client.callTool({
      name: 'g8_send_reply',
      arguments: emailReply(sb.db, 'across replicas'),
    });
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    expect(r.structuredContent).not.toMatchObject({ cancelled: true });
    expect(asked).toHaveLength(1);
    const answers = cluster.landed.filter((l) => isAnswer(l.body));
    expect(answers.map((a) => a.replica)).toEqual([1]);
    // The question's id names the copy that asked, so the other replica knew where to send the answer.
    expect(JSON.parse(answers[0]?.body ?? '{}').id).toMatch(/^[\w-]+:\d+$/);
    const audit = await auditOf('g8_send_reply', 2);
    // The audit trail notes the question, then the call that went out after the answer.
    expect(audit.map((a) => a.outcome)).toEqual(['asked', 'ok']);
  }, 60_000);

  // A confirmed paid call is detached from cancellation once it acts (by design): the cancel is sent
  // while the call on replica 0 waits for the user, so it must stop there, before anything acts.
  it('a notifications/cancelled sent to replica 1 stops the call running on replica 0', async () => {
    cluster.route = (req, body) => {
      if (req.method !== 'POST') return undefined;
      if (isCall(body, 'g8_enrich_contacts')) return 0;
      if (body.includes('notifications/cancelled')) return 1;
      return undefined;
    };
    const abort = new AbortController();
    onAsk = () => abort.abort('the user changed their mind');
    const call = client.callTool({ name: 'g8_enrich_contacts', arguments: enrichArgs(sb.db) }, undefined, {
      signal: abort.signal,
      timeout: 30_000,
    });
    await expect(call).rejects.toThrow(/changed their mind/);
    // The client sends the notification after rejecting the call: it may still be on its way.
    const cancels = await until(() =>
      cluster.landed.filter((l) => l.body.includes('notifications/cancelled')),
    );
    expect(cancels.map((c) => c.replica)).toEqual([1]);
    // The user's answer (accept) still goes out after the cancel; it must find nothing to act on.
    const calledAt = cluster.landed.findIndex((l) => isCall(l.body, 'g8_enrich_contacts'));
    await until(() => cluster.landed.slice(calledAt).filter((l) => isAnswer(l.body)));
    await new Promise((r) => setTimeout(r, 2_000));
    const audit = await auditOf('g8_enrich_contacts', 1);
    expect(audit.map((a) => a.outcome)).toContain('asked');
    // Uncancelled, the accepted call would have gone out and been recorded `ok` (as above).
    expect(audit.map((a) => a.outcome)).not.toContain('ok');
  }, 60_000);

  it('an SSE stream cut on replica 0 is resumed with Last-Event-ID on replica 1: nothing lost or repeated', async () => {
    cluster.route = (req) => {
      const pick = req.headers['x-test-replica'];
      return pick === undefined ? undefined : Number(pick);
    };
    const callId = 9001;
    const cut = new AbortController();
    const res = await inSession(0, {
      method: 'POST',
      signal: cut.signal,
      body: {
        jsonrpc: '2.0',
        id: callId,
        method: 'tools/call',
        params: { name: 'g8_enrich_contacts', arguments: enrichArgs(sb.db), _meta: { progressToken: 'p1' } },
      },
    });
    expect(res.status).toBe(200);
    const read = sse(res);
    const before: SseEvent[] = [];
    // The paid call asks first: answered through replica 1, then the job is followed with progress.
    before.push(...(await read((e) => e.data?.method === 'elicitation/create')));
    const question = before.at(-1)?.data as Wire;
    const answered = await inSession(1, {
      method: 'POST',
      body: { jsonrpc: '2.0', id: question.id, result: { action: 'accept', content: { confirm: true } } },
    });
    expect(answered.status).toBe(202);
    before.push(...(await read((e) => e.data?.method === 'notifications/progress', cut)));
    expect(before.at(-1)?.data?.params.progressToken).toBe('p1');

    // Resumed on the other replica, as often as it takes for the answer (each resume replays what
    // was kept since the last event seen, then ends while the call still runs on replica 0).
    const after: SseEvent[] = [];
    let last = before.at(-1)?.id as string;
    for (let i = 0; i < 40 && !after.some((e) => e.data?.id === callId); i++) {
      const again = await inSession(1, { method: 'GET', lastEventId: last });
      expect(again.status).toBe(200);
      const got = await sse(again)((e) => e.data?.id === callId);
      after.push(...got);
      last = got.at(-1)?.id ?? last;
      if (!got.length) await new Promise((r) => setTimeout(r, 250));
    }
    const answer = after.filter((e) => e.data?.id === callId);
    expect(answer).toHaveLength(1);
    expect(answer[0]?.data?.result.structuredContent).toMatchObject({ status: 'completed' });

    // Every event once, in order; the same events as the replica kept in Redis.
    const seen = [...before, ...after].filter((e) => e.id !== undefined);
    const ids = seen.map((e) => e.id as string);
    expect(new Set(ids).size).toBe(ids.length);
    const stream = ids[0]?.slice(0, ids[0].lastIndexOf('_')) as string;
    // The priming event (empty, only an id to resume from) is not kept: its id precedes every entry.
    expect(ids[0]).toBe(`${stream}_0-1`);
    // The session's events are one Redis stream; each entry names its SSE stream.
    const kept = await engines.redis().xrange(`${engines.redisPrefix}ev:${transport.sessionId}`, '-', '+');
    const ofStream = kept.filter(([, fields]) => fields[fields.indexOf('s') + 1] === stream);
    expect(ids.slice(1)).toEqual(ofStream.map(([entry]) => `${stream}_${entry}`));
    const progress = seen
      .filter((e) => e.data?.method === 'notifications/progress')
      .map((e) => e.data?.params.progress);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(new Set(progress).size).toBe(progress.length);
  }, 60_000);

  it('SIGKILL of the replica that opened the session: the client carries on through the other', async () => {
    cluster.route = () => undefined;
    const opened = cluster.landed.find((l) => l.body.includes('"initialize"'))?.replica as number;
    const dead = cluster.replicas[opened]?.child;
    const gone = new Promise((r) => dead?.once('exit', r));
    dead?.kill('SIGKILL');
    await gone;
    const from = cluster.landed.length;
    const { tools } = await client.listTools();
    expect(tools.length).toBeGreaterThan(0);
    for (let i = 0; i < 6; i++) {
      const r = await client.callTool({ name: 'g8_search_contacts', arguments: { limit: 1 } });
      expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    }
    const posts = cluster.landed.slice(from).filter((l) => l.method === 'POST');
    expect(posts.length).toBeGreaterThanOrEqual(7);
    expect(new Set(posts.map((l) => l.replica))).toEqual(new Set([1 - opened]));
  }, 60_000);
});
