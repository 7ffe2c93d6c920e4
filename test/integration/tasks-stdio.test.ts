/**
 * MCP tasks over stdio against the sandbox (whose jobs move queued → running → done over ~3 s),
 * at 2026-07-28: a client that declares the tasks extension gets a task for a job-starting tool,
 * polls it to the tool's normal result, and can cancel it (graph8's job is cancelled too); a
 * client that does not gets today's behaviour and the spec's -32021. The SDK v2 client (2.4)
 * refuses `resultType: "task"` on tools/call in its own codec, so task traffic goes through the
 * hand-written 2026 client (modern-raw.ts); the held call it is compared with uses the SDK client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawClient, stdioRaw } from '../helpers/modern-raw.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { enrichArgs } from '../helpers/sandbox-picks.js';
import { type StdioSession, startStdio } from '../helpers/stdio.js';

const TASKS = 'io.modelcontextprotocol/tasks';
// biome-ignore lint/suspicious/noExplicitAny: wire answers are asserted field by field
type Wire = Record<string, any>;

class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data: unknown,
  ) {
    super(message);
  }
}

/** A 2026 client over `raw` that declares (or not) the tasks extension on every request. */
function client(raw: RawClient, declares: boolean) {
  const capabilities = declares ? { extensions: { [TASKS]: {} } } : {};
  return async (method: string, params: Record<string, unknown>): Promise<Wire> => {
    const { response } = await raw.request(method, params, { capabilities });
    if (response.error) throw new RpcError(response.error.code, response.error.message, response.error.data);
    return response.result as Wire;
  };
}
type Caller = ReturnType<typeof client>;

async function untilTerminal(call: Caller, taskId: string, timeoutMs = 20_000): Promise<Wire> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const task = await call('tasks/get', { taskId });
    if (['completed', 'failed', 'cancelled'].includes(task.status)) return task;
    if (Date.now() > end) throw new Error(`task ${taskId} still ${task.status}`);
    await new Promise((r) => setTimeout(r, Math.min(task.pollIntervalMs ?? 500, 500)));
  }
}

describe('MCP tasks over stdio (2026-07-28)', () => {
  let sb: TestSandbox;
  let process1: RawClient;
  let process2: RawClient;
  let sdk: StdioSession;
  let withTasks: Caller;
  let plain: Caller;
  let otherKey: Caller;

  beforeAll(async () => {
    sb = await startTestSandbox();
    const env = { G8_API_KEY: sb.demoKey, G8_API_URL: sb.url, G8_CONFIRM: 'never', G8_LOG_LEVEL: 'warn' };
    process1 = stdioRaw(env);
    process2 = stdioRaw({ ...env, G8_API_KEY: await sb.mintKey([]) });
    sdk = await startStdio(env);
    withTasks = client(process1, true);
    plain = client(process1, false);
    otherKey = client(process2, true);
  });
  afterAll(async () => {
    await Promise.all([process1?.close(), process2?.close(), sdk?.close()]);
    await sb?.stop();
  });

  it('advertises the extension in server/discover', async () => {
    const discovered = await withTasks('server/discover', {});
    expect(discovered.capabilities.extensions[TASKS]).toEqual({});
    expect(discovered.capabilities.tasks).toBeUndefined();
  });

  it('g8_enrich_contacts of 25 contacts runs as a task to the same result as the held call', async () => {
    const args = enrichArgs(sb.db, 25);
    expect(args.contact_ids).toHaveLength(25);
    const created = await withTasks('tools/call', { name: 'g8_enrich_contacts', arguments: args });
    expect(created).toMatchObject({ resultType: 'task', status: 'working' });
    expect(created.content).toBeUndefined();
    expect(Number.isInteger(created.ttlMs) && Number.isInteger(created.pollIntervalMs)).toBe(true);
    expect(created.pollIntervalMs).toBeGreaterThanOrEqual(1000);

    const done = await untilTerminal(withTasks, created.taskId);
    expect(done.status).toBe('completed');
    expect(done.statusMessage).toMatch(/finished/);
    const taskResult = done.result.structuredContent;

    // The same call held with a progress token: the job followed to the end, in one answer.
    const held = await sdk.client.callTool(
      { name: 'g8_enrich_contacts', arguments: args },
      { onprogress: () => {}, timeout: 30_000 },
    );
    const heldResult = held.structuredContent as Wire;
    expect(done.result.isError).toBeFalsy();
    expect(taskResult.status).toBe('completed');
    expect(Object.keys(taskResult).sort()).toEqual(Object.keys(heldResult).sort());
    // The counters depend on graph8's provider cache (the second run of a contact hits it), the
    // job id on the run: the rest is the same answer.
    for (const key of ['status', 'total', 'completed', 'mode', 'column_id', 'missing_credentials']) {
      expect(taskResult[key], key).toEqual(heldResult[key]);
    }
    expect(taskResult.next).toBeUndefined();
  });

  it('tasks/cancel on an audience-sync run ends it cancelled, and the sandbox shows the run cancelled', async () => {
    const org = (await sb.rest('GET', '/me')).body.data.org_id;
    const config = sb.db
      .prepare('SELECT id FROM aud_syncs WHERE is_active = 1 AND org_id = ? ORDER BY id LIMIT 1')
      .get(org) as { id: number };
    const created = await withTasks('tools/call', {
      name: 'g8_trigger_audience_sync',
      arguments: { config_id: config.id },
    });
    expect(created.resultType).toBe('task');
    // Wait until the run is known (the task stored its handle), then cancel.
    await new Promise((r) => setTimeout(r, 300));
    const ack = await withTasks('tasks/cancel', { taskId: created.taskId });
    expect(ack).toEqual({ resultType: 'complete', _meta: expect.anything() });
    const done = await untilTerminal(withTasks, created.taskId);
    expect(done.status).toBe('cancelled');
    expect(done.statusMessage).toMatch(/cancelled at graph8 too/);
    const runs = await sb.rest('GET', `/audience-syncs/${config.id}/runs?limit=1`);
    expect(runs.body.data[0].status).toBe('cancelled');
    // Cancelling a finished task again is the same empty ack.
    expect((await withTasks('tasks/cancel', { taskId: created.taskId })).resultType).toBe('complete');
  });

  it("another key's tasks/get of that id is not found, as is an unknown id", async () => {
    const created = await withTasks('tools/call', {
      name: 'g8_enrich_contacts',
      arguments: enrichArgs(sb.db),
    });
    for (const [call, id] of [
      [otherKey, created.taskId],
      [withTasks, 'no-such-task'],
    ] as const) {
      const error = await call('tasks/get', { taskId: id }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RpcError);
      expect((error as RpcError).code).toBe(-32602);
      expect((error as RpcError).message).toMatch(/Task not found/);
    }
  });

  it('without the extension: the held behaviour, and -32021 for the tasks methods', async () => {
    const r = await plain('tools/call', { name: 'g8_enrich_contacts', arguments: enrichArgs(sb.db) });
    expect(r.structuredContent).toMatchObject({ status: 'queued' });
    expect(r.resultType).toBe('complete');
    for (const method of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
      const error = await plain(method, { taskId: 'x', inputResponses: {} }).catch((e: unknown) => e);
      expect((error as RpcError).code, method).toBe(-32021);
      expect(JSON.stringify((error as RpcError).data)).toContain(TASKS);
    }
  });

  it('tools that start no job stay synchronous for a client that takes tasks', async () => {
    const r = await withTasks('tools/call', { name: 'g8_whoami', arguments: {} });
    expect(r.resultType).toBe('complete');
    expect(r.taskId).toBeUndefined();
    const dry = await withTasks('tools/call', {
      name: 'g8_enrich_contacts',
      arguments: { ...enrichArgs(sb.db), dry_run: true },
    });
    expect(dry.resultType).toBe('complete');
  });
});
