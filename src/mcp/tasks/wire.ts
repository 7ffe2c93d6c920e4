/**
 * Tasks on the wire of each era, over one TaskService:
 *
 * - 2026-07-28, the `io.modelcontextprotocol/tasks` extension: a tools/call that declares the
 *   extension in its per-request capabilities may get a flat CreateTaskResult (`resultType:
 *   "task"`); tasks/get inlines the result or error; tasks/update and tasks/cancel answer an empty
 *   ack; without the extension the tasks methods answer -32021.
 * - 2025-11-25, experimental tasks: tools declare `execution.taskSupport`, a call carrying
 *   `params.task` gets `{task}`; tasks/get, tasks/result (waits), tasks/list and tasks/cancel, and
 *   `notifications/tasks/status` while the session is open.
 *
 * One handler per method serves both eras (a request with the 2026 envelope is modern): the SDK
 * registers a method once per Server, and one factory builds the Servers of both eras.
 */
import {
  type CallToolResult,
  CLIENT_CAPABILITIES_META_KEY,
  type ClientCapabilities,
  MissingRequiredClientCapabilityError,
  ProtocolError,
  ProtocolErrorCode,
  RELATED_TASK_META_KEY,
  type Result,
  type Server,
  type ServerContext,
} from '@modelcontextprotocol/server';
import * as z from 'zod';
import type { TaskService } from './service.js';
import { type TaskRecord, TERMINAL_STATUSES } from './store.js';

export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

/** How the request asked for a task, if it did. */
export type TaskRequest = { readonly era: 'modern' } | { readonly era: 'legacy' };

/** The capabilities a server with tasks declares (the SDK keeps each era's own part on its wire). */
export const TASK_CAPABILITIES = {
  extensions: { [TASKS_EXTENSION]: {} },
  tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } },
} as const;

function envelopeOf(ctx: ServerContext): Record<string, unknown> | undefined {
  return ctx.mcpReq.envelope as Record<string, unknown> | undefined;
}

function declaresExtension(ctx: ServerContext): boolean {
  const caps = envelopeOf(ctx)?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined;
  const extensions = (caps as { extensions?: Record<string, unknown> } | undefined)?.extensions;
  return extensions !== undefined && TASKS_EXTENSION in extensions;
}

/** Whether this tools/call may be answered with a task, and in which era's shape. */
export function taskRequestOf(ctx: ServerContext, params: Record<string, unknown>): TaskRequest | undefined {
  if (envelopeOf(ctx)) return declaresExtension(ctx) ? { era: 'modern' } : undefined;
  const task = params['task'];
  return typeof task === 'object' && task !== null ? { era: 'legacy' } : undefined;
}

/** The task fields both eras share, with each era's names for the durations. */
function taskFields(record: TaskRecord, tasks: TaskService, era: TaskRequest['era']) {
  const base = {
    taskId: record.id,
    status: record.status,
    ...(record.statusMessage ? { statusMessage: record.statusMessage } : {}),
    createdAt: new Date(record.createdAt).toISOString(),
    lastUpdatedAt: new Date(record.updatedAt).toISOString(),
  };
  const ttl = tasks.ttlFor(record);
  return era === 'modern'
    ? { ...base, ttlMs: ttl, pollIntervalMs: record.pollIntervalMs }
    : { ...base, ttl, pollInterval: record.pollIntervalMs };
}

/**
 * The answer to a tools/call that became a task. Both carry an empty `content` only to pass the
 * SDK's tools/call result check; RedactingServer drops it (redacting-server.ts).
 */
export function createTaskResult(
  record: TaskRecord,
  tasks: TaskService,
  request: TaskRequest,
): CallToolResult {
  const fields = taskFields(record, tasks, request.era);
  const shaped = request.era === 'modern' ? { resultType: 'task', ...fields } : { task: fields };
  return { content: [], ...shaped } as CallToolResult;
}

/** tasks/get of 2026: the task with its result (completed) or error (failed) inlined. */
function detailedTask(record: TaskRecord, tasks: TaskService): Result {
  return {
    resultType: 'complete',
    ...taskFields(record, tasks, 'modern'),
    // The inlined result is a 2026 CallToolResult, discriminated like any other.
    ...(record.status === 'completed' && record.result
      ? { result: { resultType: 'complete', ...record.result } }
      : {}),
    ...(record.status === 'failed' && record.error ? { error: record.error } : {}),
  } as Result;
}

const TaskIdParams = z.looseObject({ taskId: z.string() });
const ListParams = z.looseObject({ cursor: z.string().optional() });
const LIST_PAGE = 50;
const CANCEL_SETTLE_MS = 5_000;

function notFound(): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.InvalidParams, 'Failed to retrieve task: Task not found');
}

/**
 * Registers tasks/get, tasks/update, tasks/cancel, tasks/result and tasks/list for one caller on
 * one Server. `owner` is who the caller is; another caller's task is "not found".
 */
export function registerTaskMethods(server: Server, tasks: TaskService, owner: string): void {
  const modernGate = (ctx: ServerContext): boolean => {
    if (!envelopeOf(ctx)) return false;
    if (!declaresExtension(ctx)) {
      throw new MissingRequiredClientCapabilityError(
        { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } as ClientCapabilities },
        `The tasks methods need the ${TASKS_EXTENSION} extension in the request's client capabilities.`,
      );
    }
    return true;
  };
  const find = async (id: string): Promise<TaskRecord> => {
    const record = await tasks.get(owner, id);
    if (!record) throw notFound();
    return record;
  };

  server.setRequestHandler('tasks/get', { params: TaskIdParams }, async (params, ctx) => {
    const modern = modernGate(ctx);
    const record = await find(params.taskId);
    return modern ? detailedTask(record, tasks) : (taskFields(record, tasks, 'legacy') as Result);
  });

  server.setRequestHandler('tasks/cancel', { params: TaskIdParams }, async (params, ctx) => {
    const modern = modernGate(ctx);
    const record = await find(params.taskId);
    if (modern) {
      // An ack only; the outcome shows on the next tasks/get (a terminal task stays as it is).
      await tasks.cancel(owner, record.id);
      return { resultType: 'complete' } as Result;
    }
    if (TERMINAL_STATUSES.has(record.status)) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `Cannot cancel task: it is already ${record.status}`,
      );
    }
    await tasks.cancel(owner, record.id);
    // 2025-11-25 answers the task as cancelled: give the work a moment to stop (and cancel upstream).
    const settled = await tasks
      .waitTerminal(owner, record.id, AbortSignal.timeout(CANCEL_SETTLE_MS))
      .catch(() => tasks.get(owner, record.id));
    return taskFields(settled ?? record, tasks, 'legacy') as Result;
  });

  server.setRequestHandler('tasks/update', { params: TaskIdParams }, async (params, ctx) => {
    modernGate(ctx);
    // Our tasks never wait for input (a confirmation is asked before the task exists): any
    // inputResponses answer nothing outstanding and are ignored, as the extension says.
    await find(params.taskId);
    return { resultType: 'complete' } as Result;
  });

  server.setRequestHandler('tasks/result', { params: TaskIdParams }, async (params, ctx) => {
    const record = await tasks.waitTerminal(owner, params.taskId, ctx.mcpReq.signal);
    if (!record) throw notFound();
    const related = { [RELATED_TASK_META_KEY]: { taskId: record.id } };
    if (record.status === 'completed' && record.result) {
      return { ...record.result, _meta: { ...record.result._meta, ...related } } as Result;
    }
    if (record.status === 'failed' && record.error) {
      throw new ProtocolError(record.error.code, record.error.message, related);
    }
    throw new ProtocolError(
      ProtocolErrorCode.InvalidRequest,
      'The task was cancelled: it has no result',
      related,
    );
  });

  server.setRequestHandler('tasks/list', { params: ListParams }, async (params) => {
    const page = await tasks.list(owner, LIST_PAGE + 1, params.cursor);
    const shown = page.slice(0, LIST_PAGE);
    return {
      tasks: shown.map((r) => taskFields(r, tasks, 'legacy')),
      ...(page.length > LIST_PAGE ? { nextCursor: shown[shown.length - 1]?.id } : {}),
    } as Result;
  });
}

/**
 * 2025-11-25: pushes `notifications/tasks/status` for a task created on this session while the
 * session lives (the client may also poll). The 2026 listen streams cannot carry task
 * notifications yet in the SDK, so 2026 clients poll.
 */
export function pushStatus(server: Server, tasks: TaskService, record: TaskRecord): void {
  const stop = tasks.watch(record.id, (now) => {
    server
      .notification({ method: 'notifications/tasks/status', params: taskFields(now, tasks, 'legacy') })
      .catch(() => stop());
  });
  const previous = server.onclose;
  server.onclose = () => {
    stop();
    previous?.();
  };
}
