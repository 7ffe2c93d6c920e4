/**
 * graph8 tools as tasks: the work of a task is the tool's own execution (execute.ts) followed to
 * the end, and a task left unfinished by a restart is rebuilt from its record — the tool by its
 * binding, the caller's credential from what remote mode sealed for it (TaskCredentials).
 */
import type { ApiClient } from '../../api/client.js';
import { schemaKey } from '../../catalogue/definition.js';
import type { ExposedTool } from '../../catalogue/select.js';
import { bindCaller } from '../../runtime/caller.js';
import { type ExecuteDeps, executeTool } from '../execute.js';
import { TaskService, type TaskServiceOptions, type TaskWork } from './service.js';
import type { TaskRecord } from './store.js';

/** How a task gets its caller's upstream credential back after a restart. */
export interface TaskCredentials {
  /** What to keep in the record (sealed), or undefined when `open` needs nothing stored. */
  seal(owner: string, credential: string): string | undefined;
  open(record: TaskRecord): Promise<string>;
}

export interface ToolTasksOptions extends Omit<TaskServiceOptions, 'resume' | 'logger'>, ExecuteDeps {
  readonly logger: TaskServiceOptions['logger'] & ExecuteDeps['logger'];
  readonly api: ApiClient;
  /** Every tool any selection can expose: a resumed task finds its binding here. */
  readonly tools: readonly ExposedTool[];
  readonly credentials: TaskCredentials;
}

export interface StartToolTask {
  readonly tool: ExposedTool;
  readonly input: Record<string, unknown>;
  readonly owner: string;
  readonly credential: string;
  /** A confirmed call's state id: its POSTs keep the keys the confirmation gave them. */
  readonly baseKey?: string | undefined;
}

const workName = (tool: ExposedTool) => `g8:${schemaKey(tool.spec)}`;

export class ToolTasks {
  readonly service: TaskService;
  readonly #opts: ToolTasksOptions;
  readonly #byWork: Map<string, ExposedTool>;

  constructor(opts: ToolTasksOptions) {
    this.#opts = opts;
    this.#byWork = new Map(opts.tools.map((t) => [workName(t), t]));
    this.service = new TaskService({ ...opts, resume: (record) => this.#resume(record) });
  }

  /** Whether a call of this tool can run as a task (it starts a job graph8 finishes later). */
  supports(tool: ExposedTool): boolean {
    return tool.spec.job !== undefined;
  }

  start(task: StartToolTask): Promise<TaskRecord> {
    const { tool } = task;
    return this.service.create(
      {
        owner: task.owner,
        tool: tool.name,
        work: workName(tool),
        args: task.input,
        baseKey: task.baseKey,
        pollIntervalMs: tool.spec.job?.intervalMs ?? 1000,
        sealedCredential: this.#opts.credentials.seal(task.owner, task.credential),
      },
      this.#work(tool, task.input, () => task.credential),
    );
  }

  #resume(record: TaskRecord): TaskWork | undefined {
    const tool = this.#byWork.get(record.work);
    if (!tool) return undefined;
    return this.#work(tool, record.args as Record<string, unknown>, () =>
      this.#opts.credentials.open(record),
    );
  }

  #work(
    tool: ExposedTool,
    input: Record<string, unknown>,
    credential: () => string | Promise<string>,
  ): TaskWork {
    return async (control) => {
      const api = bindCaller(
        this.#opts.api,
        await credential(),
        tool.spec.tier,
        undefined,
        control.record.baseKey,
      );
      return (await executeTool(tool, input, api, this.#opts, { task: control })).result;
    };
  }
}
