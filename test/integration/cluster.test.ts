/**
 * `npm run cluster` as a user runs it (scripts/cluster.mjs: the sandbox, two replicas of the built
 * server on the real PostgreSQL and Redis, a round-robin proxy without affinity), driven through the
 * proxy: the SDK v2 client lists and calls tools, every request landing on the next replica; a
 * confirmation asked on one replica is answered on the other and acts once; a task is polled across
 * replicas; and when the replica following a task is killed (SIGKILL), the other takes the task over
 * when its lease lapses and the client, carrying on through the survivor, sees it complete.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/cluster.mjs', import.meta.url));
const TASKS = { extensions: { 'io.modelcontextprotocol/tasks': {} } };
// biome-ignore lint/suspicious/noExplicitAny: wire answers are asserted field by field
type Wire = Record<string, any>;

interface Cluster {
  url: string;
  key: string;
  sandbox: string;
  pids: number[];
  child: ChildProcess;
}

async function startCluster(): Promise<Cluster> {
  const child = spawn(process.execPath, [SCRIPT, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cluster did not start:\n${out}\n${err}`)), 60_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('Ctrl-C')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`cluster exited with ${code}:\n${out}\n${err}`)));
  });
  const pick = (re: RegExp) => (re.exec(out)?.[1] ?? '') as string;
  return {
    url: pick(/MCP URL\s+(\S+)/),
    key: pick(/API key\s+(\S+)/),
    sandbox: pick(/sandbox\s+(\S+)/),
    pids: pick(/pids ([\d, ]+)\)/)
      .split(',')
      .map((p) => Number(p.trim())),
    child,
  };
}

let id = 0;
/** One 2026 request through the proxy; answers the result (or error) and the replica that served it. */
async function rpc(c: Cluster, method: string, params: Wire, capabilities: Wire = {}) {
  const name = params.name ?? params.taskId;
  const res = await fetch(c.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'x-api-key': c.key,
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': method,
      ...(typeof name === 'string' ? { 'mcp-name': name } : {}),
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: ++id,
      method,
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientInfo': { name: 'cluster-test', version: '1' },
          'io.modelcontextprotocol/clientCapabilities': capabilities,
        },
      },
    }),
  });
  const text = await res.text();
  const events = text.split('\n').filter((l) => l.startsWith('data: '));
  const message = JSON.parse(events.length ? (events.at(-1) as string).slice(6) : text) as Wire;
  return { ...message, replica: res.headers.get('x-g8-replica') };
}

/** A read straight from the sandbox (the replicas share its per-org rate limit: a 429 is waited out). */
async function sandboxRest(c: Cluster, path: string): Promise<Wire> {
  for (;;) {
    const res = await fetch(`${c.sandbox}/api/v1${path}`, { headers: { authorization: `Bearer ${c.key}` } });
    if (res.status !== 429) return (await res.json()) as Wire;
    await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
  }
}

describe('npm run cluster: two replicas on PostgreSQL and Redis behind round robin', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster();
  }, 90_000);
  afterAll(async () => {
    if (!cluster) return;
    cluster.child.kill('SIGTERM');
    await new Promise((r) => cluster.child.once('exit', r));
  });

  it('the SDK v2 client lists and makes 50 calls, served by both replicas in turn', async () => {
    const client = new Client(
      { name: 'cluster-sdk', version: '1' },
      { versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(cluster.url), {
        requestInit: { headers: { 'x-api-key': cluster.key } },
      }),
    );
    try {
      // Pinned to 2026-07-28, connect is server/discover: answered through the proxy by either replica.
      expect(client.getServerVersion()?.name).toBe('g8-mcp-server');
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('g8_search_contacts');
      for (let i = 0; i < 50; i++) {
        const r = await client.callTool({ name: 'g8_search_contacts', arguments: { limit: 1 } });
        expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
      }
    } finally {
      await client.close();
    }
    const served = new Set<string | null>();
    for (let i = 0; i < 4; i++) served.add((await rpc(cluster, 'tools/list', {})).replica);
    expect([...served].sort()).toEqual(['1', '2']);
  });

  it('a confirmation asked on one replica is answered on the other, acts once, and a replay acts no more', async () => {
    const syncs = await sandboxRest(cluster, '/audience-syncs');
    const config = (syncs.data as Wire[]).find((s) => s.is_active)?.id as number;
    const runsBefore = (await sandboxRest(cluster, `/audience-syncs/${config}/runs?limit=100`)).data.length;
    const caps = { elicitation: { form: {} } };
    const call = { name: 'g8_trigger_audience_sync', arguments: { config_id: config } };
    const asked = await rpc(cluster, 'tools/call', call, caps);
    expect(asked.result.resultType).toBe('input_required');
    const [key] = Object.keys(asked.result.inputRequests);
    const answer = {
      ...call,
      inputResponses: { [key as string]: { action: 'accept', content: { confirm: true } } },
      requestState: asked.result.requestState,
    };
    const done = await rpc(cluster, 'tools/call', answer, caps);
    expect(done.replica).not.toBe(asked.replica);
    expect(done.result.isError, JSON.stringify(done.result)).toBeFalsy();
    const replay = await rpc(cluster, 'tools/call', answer, caps);
    expect(replay.replica).toBe(asked.replica);
    // Not acted on again: the replay gets the first outcome back (single use across replicas).
    expect(replay.result?.structuredContent).toEqual(done.result.structuredContent);
    const runsAfter = (await sandboxRest(cluster, `/audience-syncs/${config}/runs?limit=100`)).data.length;
    expect(runsAfter - runsBefore).toBe(1);
  });

  it('a task is polled across replicas; its holder killed, the other takes it over and the client sees it complete', async () => {
    // The list the seeded waterfall config enriches (the tool finds that config, as it would at graph8).
    const configs = await sandboxRest(cluster, '/enrichment/waterfall/configs');
    const list = (configs.data.configs as Wire[]).find((c) => c.is_active)?.list_id as number;
    const members = await sandboxRest(cluster, `/contacts?list_id=${list}&limit=3`);
    const args = { contact_ids: (members.data as Wire[]).map((c) => c.id), list_id: list };
    // G8_CONFIRM is auto: a client with elicitation confirms first, then gets the task.
    const caps = { ...TASKS, elicitation: { form: {} } };
    const call = { name: 'g8_enrich_contacts', arguments: args };
    const asked = await rpc(cluster, 'tools/call', call, caps);
    const [key] = Object.keys(asked.result.inputRequests);
    const created = await rpc(
      cluster,
      'tools/call',
      {
        ...call,
        inputResponses: { [key as string]: { action: 'accept', content: { confirm: true } } },
        requestState: asked.result.requestState,
      },
      caps,
    );
    expect(created.result.resultType).toBe('task');
    const taskId = created.result.taskId as string;
    const polled = await rpc(cluster, 'tasks/get', { taskId }, TASKS);
    expect(polled.replica).not.toBe(created.replica);
    expect(polled.result.taskId).toBe(taskId);

    // The replica that created (and follows) the task dies without a word.
    process.kill(cluster.pids[Number(created.replica) - 1] as number, 'SIGKILL');
    const end = Date.now() + 75_000;
    let task: Wire = {};
    while (Date.now() < end) {
      const r = await rpc(cluster, 'tasks/get', { taskId }, TASKS);
      task = r.result ?? {};
      if (['completed', 'failed', 'cancelled'].includes(task.status)) break;
      await new Promise((r2) => setTimeout(r2, 1000));
    }
    expect(task.status).toBe('completed');
    expect(task.result.structuredContent).toMatchObject({ total: args.contact_ids.length });
  }, 120_000);
});
