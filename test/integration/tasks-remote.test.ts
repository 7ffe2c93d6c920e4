/**
 * MCP tasks in remote mode, on the built bin (`--http`) in front of the sandbox, with a recording
 * proxy between them that can answer for graph8 (429, 503): tasks survive a restart of the server
 * (SQLite in the data directory) and finish after it; graph8's 429 and 503 during the job neither
 * fail the task nor start the job twice, and the polls stay within the key's pacing budget and
 * the job's interval; the per-caller cap refuses a task with nothing sent; and a 2025-11-25 client
 * (SDK v1, sessions) gets task-augmented calls, tasks/result, tasks/list and status notifications.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CallToolResultSchema,
  CancelTaskResultSchema,
  CreateTaskResultSchema,
  GetTaskResultSchema,
  ListTasksResultSchema,
  TaskStatusNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RemoteProcess, spawnRemote } from '../helpers/http-process.js';
import {
  type InjectedReply,
  type ProxiedRequest,
  type RecordingProxy,
  startRecordingProxy,
} from '../helpers/http-proxy.js';
import { httpRaw, type RawClient } from '../helpers/modern-raw.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { enrichArgs } from '../helpers/sandbox-picks.js';

const TASKS = { extensions: { 'io.modelcontextprotocol/tasks': {} } };
// biome-ignore lint/suspicious/noExplicitAny: wire answers are asserted field by field
type Wire = Record<string, any>;

async function call(raw: RawClient, method: string, params: Record<string, unknown>): Promise<Wire> {
  const { response } = await raw.request(method, params, { capabilities: TASKS });
  if (response.error) throw new Error(`${method}: ${response.error.code} ${response.error.message}`);
  return response.result as Wire;
}

async function untilTerminal(raw: RawClient, taskId: string, timeoutMs = 30_000): Promise<Wire> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const task = await call(raw, 'tasks/get', { taskId });
    if (['completed', 'failed', 'cancelled'].includes(task.status)) return task;
    if (Date.now() > end) throw new Error(`task ${taskId} still ${task.status}: ${task.statusMessage}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const jobCount = (sb: TestSandbox) =>
  (sb.db.prepare('SELECT COUNT(*) AS n FROM enrichment_jobs').get() as { n: number }).n;

describe('MCP tasks in remote mode', () => {
  let sb: TestSandbox;
  let proxy: RecordingProxy;
  let dataDir: string;
  let remote: RemoteProcess;
  /** The next job polls the proxy answers itself: graph8 busy, then rate-limited. */
  const faults: InjectedReply[] = [];
  const inject = (req: ProxiedRequest) =>
    req.method === 'GET' && /\/enrichment\/jobs\//.test(req.url) ? faults.shift() : undefined;

  const env = () => ({
    G8_API_URL: proxy.url,
    G8_DATA_DIR: dataDir,
    G8_CONFIRM: 'never',
    G8_LOG_LEVEL: 'info',
  });

  beforeAll(async () => {
    // graph8's published limit, small: the pacer follows the X-RateLimit headers the sandbox sends.
    sb = await startTestSandbox({ rateLimit: { perSecond: 4, perMinute: 200 } });
    proxy = await startRecordingProxy(`${sb.url}`, inject);
    dataDir = mkdtempSync(join(tmpdir(), 'g8-tasks-'));
    remote = await spawnRemote(env());
  });
  afterAll(async () => {
    await remote?.close();
    await proxy?.close();
    await sb?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a task started before a restart of the server completes after it, and its job ran once', async () => {
    const jobsBefore = jobCount(sb);
    const raw = httpRaw(remote.url, sb.demoKey);
    const created = await call(raw, 'tools/call', {
      name: 'g8_enrich_contacts',
      arguments: enrichArgs(sb.db, 5),
    });
    expect(created.resultType).toBe('task');
    await remote.close();
    remote = await spawnRemote(env());
    const again = httpRaw(remote.url, sb.demoKey);
    const done = await untilTerminal(again, created.taskId);
    expect(remote.stderr()).toMatch(/resuming task/);
    expect(done.status).toBe('completed');
    expect(done.result.structuredContent).toMatchObject({ status: 'completed', total: 5 });
    expect(jobCount(sb) - jobsBefore).toBe(1);
  });

  it("graph8's 429 and 503 during the job: the task finishes, within the key's budget, the job started once", async () => {
    const jobsBefore = jobCount(sb);
    const from = proxy.requests.length;
    faults.push(
      { status: 503, body: { detail: 'busy' } },
      { status: 429, headers: { 'retry-after': '1' }, body: { detail: 'slow down' } },
    );
    const raw = httpRaw(remote.url, sb.demoKey);
    const created = await call(raw, 'tools/call', {
      name: 'g8_enrich_contacts',
      arguments: enrichArgs(sb.db, 3),
    });
    const done = await untilTerminal(raw, created.taskId);
    expect(done.status).toBe('completed');
    expect(done.result.isError).toBeFalsy();
    expect(faults).toHaveLength(0);
    expect(jobCount(sb) - jobsBefore).toBe(1);

    const upstream = proxy.requests.slice(from);
    const polls = upstream.filter((r) => r.method === 'GET' && r.url.includes('/enrichment/jobs/'));
    expect(polls.filter((p) => p.injected)).toHaveLength(2);
    // Never more than the key's 4 requests in any second (the sandbox's limit), the polls included.
    for (const r of upstream) {
      const inWindow = upstream.filter((o) => o.at >= r.at && o.at < r.at + 1000);
      expect(inWindow.length).toBeLessThanOrEqual(4);
    }
    // Answered polls are at least the job's interval (1 s) apart; a retried poll is the same poll.
    const answered = polls.filter((p) => !p.injected).map((p) => p.at);
    for (let i = 1; i < answered.length; i++) {
      expect(answered[i]! - answered[i - 1]!).toBeGreaterThanOrEqual(950);
    }
  });

  it('a 2025-11-25 client: taskSupport in tools/list, a task-augmented call, status pushes, tasks/result', async () => {
    const client = new LegacyClient({ name: 'g8-test-2025', version: '1.0.0' }, { capabilities: {} });
    const statuses: string[] = [];
    client.setNotificationHandler(TaskStatusNotificationSchema, (n) => {
      statuses.push(n.params.status);
    });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(remote.url), {
        requestInit: { headers: { 'x-api-key': sb.demoKey } },
      }),
    );
    try {
      expect(client.getServerCapabilities()?.tasks).toMatchObject({ requests: { tools: { call: {} } } });
      const { tools } = await client.listTools();
      // Listed (all mode with discovery lists the core tools) and marked: the job-starting ones only.
      const taskTools = tools.filter((t) => t.execution?.taskSupport === 'optional').map((t) => t.name);
      expect(taskTools).toContain('g8_enrich_contacts');
      for (const name of taskTools) {
        expect(['g8_enrich_contacts', 'g8_trigger_audience_sync', 'g8_launch_campaign']).toContain(name);
      }

      const created = await client.request(
        {
          method: 'tools/call',
          params: { name: 'g8_enrich_contacts', arguments: enrichArgs(sb.db), task: { ttl: 60_000 } },
        },
        CreateTaskResultSchema,
      );
      const { taskId } = created.task;
      expect(created.task).toMatchObject({ status: 'working', pollInterval: 1000 });
      const result = await client.request(
        { method: 'tasks/result', params: { taskId } },
        CallToolResultSchema,
        { timeout: 30_000 },
      );
      expect(result.structuredContent).toMatchObject({ status: 'completed' });
      expect(result._meta?.['io.modelcontextprotocol/related-task']).toEqual({ taskId });
      const got = await client.request({ method: 'tasks/get', params: { taskId } }, GetTaskResultSchema);
      expect(got.status).toBe('completed');
      const listed = await client.request({ method: 'tasks/list', params: {} }, ListTasksResultSchema);
      expect(listed.tasks.map((t) => t.taskId)).toContain(taskId);
      // Pushed while the session was open: at least the end.
      await new Promise((r) => setTimeout(r, 200));
      expect(statuses).toContain('completed');

      // tasks/cancel answers the task, cancelled; cancelling it again is an error (it is terminal).
      const running = await client.request(
        {
          method: 'tools/call',
          params: { name: 'g8_enrich_contacts', arguments: enrichArgs(sb.db), task: { ttl: 60_000 } },
        },
        CreateTaskResultSchema,
      );
      await new Promise((r) => setTimeout(r, 300));
      const cancelled = await client.request(
        { method: 'tasks/cancel', params: { taskId: running.task.taskId } },
        CancelTaskResultSchema,
      );
      expect(cancelled.status).toBe('cancelled');
      const after = await client.request(
        { method: 'tasks/get', params: { taskId: running.task.taskId } },
        GetTaskResultSchema,
      );
      expect(after.status).toBe('cancelled');
      expect(after.statusMessage).toMatch(/cancelled at graph8 too/);
      const job = sb.db
        .prepare(
          'SELECT cancelled_at_ms FROM enrichment_jobs ORDER BY created_at_ms DESC, rowid DESC LIMIT 1',
        )
        .get() as { cancelled_at_ms: number | null };
      expect(job.cancelled_at_ms).not.toBeNull();
    } finally {
      await client.close();
    }
  });
});

describe('the per-caller cap on running tasks', () => {
  it('refuses the task beyond G8_MAX_TASKS_PER_CALLER with a clear error, nothing started', async () => {
    const sb = await startTestSandbox();
    const dataDir = mkdtempSync(join(tmpdir(), 'g8-tasks-cap-'));
    const remote = await spawnRemote({
      G8_API_URL: sb.url,
      G8_DATA_DIR: dataDir,
      G8_CONFIRM: 'never',
      G8_LOG_LEVEL: 'info',
      G8_MAX_TASKS_PER_CALLER: '1',
    });
    try {
      const raw = httpRaw(remote.url, sb.demoKey);
      const jobsBefore = jobCount(sb);
      const first = await call(raw, 'tools/call', {
        name: 'g8_enrich_contacts',
        arguments: enrichArgs(sb.db),
      });
      expect(first.resultType).toBe('task');
      const second = await call(raw, 'tools/call', {
        name: 'g8_enrich_contacts',
        arguments: enrichArgs(sb.db),
      });
      expect(second.isError).toBe(true);
      expect(second.content[0].text).toMatch(/G8_MAX_TASKS_PER_CALLER=1.*nothing was started/);
      await untilTerminal(raw, first.taskId);
      expect(jobCount(sb) - jobsBefore).toBe(1);
    } finally {
      await remote.close();
      await sb.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
