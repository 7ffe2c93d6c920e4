/**
 * End to end with the official clients: the SDK v2 `Client` (pinned to 2026-07-28) with the MCP
 * tasks package (`@modelcontextprotocol/ext-tasks`) against remote mode (the built bin, `--http`)
 * in front of the sandbox. The package's session drives the task surface: a call that becomes a
 * task, its settlement to the tool's normal result, cancellation, and resumption of a handed-off
 * task after the server restarts. The SDK client's own codec refuses `resultType: "task"` on
 * tools/call, so the package gets a raw dispatcher, as its README says a 2026 server needs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import {
  createTaskSessionFromClient,
  JsonRpcResponseError,
  type RawClientDispatch,
  resultFromTaskOutcome,
  type SerializedTaskReference,
} from '@modelcontextprotocol/ext-tasks/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RemoteProcess, spawnRemote } from '../helpers/http-process.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { enrichArgs } from '../helpers/sandbox-picks.js';

const CAPABILITIES = { extensions: { 'io.modelcontextprotocol/tasks': {} } };
const INFO = { name: 'g8-tasks-e2e', version: '1.0.0' };
// biome-ignore lint/suspicious/noExplicitAny: results are asserted field by field
type Wire = Record<string, any>;

/** One JSON-RPC request over POST /mcp, as the 2026 wire frames it (the package brings the envelope). */
function rawDispatch(url: () => string, apiKey: string): RawClientDispatch {
  let id = 0;
  return async (request) => {
    const message = { jsonrpc: '2.0', id: ++id, ...(request as Wire) };
    const params = (message.params ?? {}) as Wire;
    const name = params.name ?? params.taskId;
    const res = await fetch(url(), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'x-api-key': apiKey,
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': String(message.method),
        ...(typeof name === 'string' ? { 'mcp-name': name } : {}),
      },
      body: JSON.stringify(message),
    });
    const text = await res.text();
    const events = text.split('\n').filter((l) => l.startsWith('data: '));
    const answer = JSON.parse(events.length ? (events.at(-1) as string).slice(6) : text) as Wire;
    return answer.error ? { kind: 'error', error: answer.error } : { kind: 'result', result: answer.result };
  };
}

async function connect(url: string, apiKey: string) {
  const client = new Client(INFO, {
    versionNegotiation: { mode: { pin: '2026-07-28' } },
    capabilities: CAPABILITIES,
  });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { 'x-api-key': apiKey } } }),
  );
  const session = createTaskSessionFromClient(client, {
    endpointId: 'g8-remote',
    rawDispatch: rawDispatch(() => url, apiKey),
    v2RequestFraming: { protocolVersion: '2026-07-28', clientInfo: INFO, clientCapabilities: CAPABILITIES },
  });
  return {
    client,
    session,
    close: async () => {
      await session.close();
      await client.close();
    },
  };
}

describe('tasks with the SDK v2 client and @modelcontextprotocol/ext-tasks', () => {
  let sb: TestSandbox;
  let dataDir: string;
  let remote: RemoteProcess;
  const env = () => ({ G8_API_URL: sb.url, G8_DATA_DIR: dataDir, G8_CONFIRM: 'never', G8_LOG_LEVEL: 'info' });

  beforeAll(async () => {
    sb = await startTestSandbox();
    dataDir = mkdtempSync(join(tmpdir(), 'g8-tasks-e2e-'));
    remote = await spawnRemote(env());
  });
  afterAll(async () => {
    await remote?.close();
    await sb?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('g8_enrich_contacts of 25 contacts settles to the same result as the held call', async () => {
    const { session, close } = await connect(remote.url, sb.demoKey);
    try {
      const args = enrichArgs(sb.db, 25);
      expect(args.contact_ids).toHaveLength(25);
      const execution = await session.callTool('g8_enrich_contacts', args);
      expect(execution.kind).toBe('task');
      const { outcome } = await execution.settle();
      expect(outcome.status).toBe('completed');
      const viaTask = (resultFromTaskOutcome(outcome) as Wire).structuredContent as Wire;

      // The same call held by a plain SDK client (no tasks extension) with a progress token.
      const plain = new Client(INFO, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
      await plain.connect(
        new StreamableHTTPClientTransport(new URL(remote.url), {
          requestInit: { headers: { 'x-api-key': sb.demoKey } },
        }),
      );
      const held = (await plain.callTool(
        { name: 'g8_enrich_contacts', arguments: args },
        { onprogress: () => {}, timeout: 30_000 },
      )) as Wire;
      await plain.close();
      const heldResult = held.structuredContent as Wire;
      expect(Object.keys(viaTask).sort()).toEqual(Object.keys(heldResult).sort());
      // The counters depend on graph8's provider cache, the job id on the run: the rest is equal.
      for (const key of ['status', 'total', 'completed', 'mode', 'column_id', 'missing_credentials']) {
        expect(viaTask[key], key).toEqual(heldResult[key]);
      }
      expect(viaTask.status).toBe('completed');
      expect(viaTask.total).toBe(25);
    } finally {
      await close();
    }
  });

  it('cancelling an audience-sync task ends it cancelled, and the run is cancelled at the sandbox', async () => {
    const { session, close } = await connect(remote.url, sb.demoKey);
    try {
      const org = (await sb.rest('GET', '/me')).body.data.org_id;
      const config = sb.db
        .prepare('SELECT id FROM aud_syncs WHERE is_active = 1 AND org_id = ? ORDER BY id LIMIT 1')
        .get(org) as { id: number };
      const execution = await session.callTool('g8_trigger_audience_sync', { config_id: config.id });
      expect(execution.kind).toBe('task');
      await new Promise((r) => setTimeout(r, 300));
      await execution.cancel();
      const { outcome } = await execution.settle();
      expect(outcome.status).toBe('cancelled');
      // Cancellation is eventually consistent: the server cancels the run at graph8 right after.
      let run = '';
      for (let i = 0; i < 40 && run !== 'cancelled'; i++) {
        run = (await sb.rest('GET', `/audience-syncs/${config.id}/runs?limit=1`)).body.data[0].status;
        if (run !== 'cancelled') await new Promise((r) => setTimeout(r, 100));
      }
      expect(run).toBe('cancelled');
    } finally {
      await close();
    }
  });

  it('a task handed off before a server restart is resumed by reference and completes after it', async () => {
    const first = await connect(remote.url, sb.demoKey);
    const execution = await first.session.callTool('g8_enrich_contacts', enrichArgs(sb.db, 4));
    expect(execution.kind).toBe('task');
    let reference: SerializedTaskReference | undefined;
    if (execution.kind === 'task') {
      await execution.handoff((r) => {
        reference = r;
      });
    }
    // The client goes away as a crashed one would (the package's session.close() would cancel what it
    // started), and the server is restarted under it.
    await first.client.close();
    await remote.close();

    remote = await spawnRemote(env());
    const second = await connect(remote.url, sb.demoKey);
    try {
      const resumed = await second.session.resumeTask(reference as SerializedTaskReference);
      const { outcome } = await resumed.settle();
      expect(outcome.status).toBe('completed');
      expect(((resultFromTaskOutcome(outcome) as Wire).structuredContent as Wire).total).toBe(4);
      expect(remote.stderr()).toMatch(/resuming task/);
    } finally {
      await second.close();
    }
  });

  it("another key's session cannot see or cancel the task", async () => {
    const mine = await connect(remote.url, sb.demoKey);
    const theirs = await connect(remote.url, await sb.mintKey([]));
    try {
      const execution = await mine.session.callTool('g8_enrich_contacts', enrichArgs(sb.db));
      const taskId = execution.handle?.taskId as string;
      const error = await theirs.session.cancelTask(taskId).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JsonRpcResponseError);
      expect((error as JsonRpcResponseError).code).toBe(-32602);
      expect((error as JsonRpcResponseError).message).toMatch(/Task not found/);
      const { outcome } = await execution.settle();
      expect(outcome.status).toBe('completed');
    } finally {
      await mine.close();
      await theirs.close();
    }
  });
});
