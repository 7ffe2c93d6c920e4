/**
 * What stdio and remote mode build the same way from the validated Config: the REST client, the
 * settings every caller's ToolHost gets, and the tasks. One place, so a new setting cannot reach one face and not
 * the other.
 */

import { catalogue } from '../../tools/index.js';
import { ApiClient, type ApiClientOptions, type ApiLogger } from '../api/client.js';
import { MODES, toolsForMode } from '../catalogue/select.js';
import type { Mode } from '../catalogue/types.js';
import type { Config } from '../config/load.js';
import { USER_AGENT } from '../platform/version.js';
import type { CallLogger } from './call.js';
import type { TaskStore } from './tasks/store.js';
import { type TaskCredentials, ToolTasks } from './tasks/tool-tasks.js';
import type { HostContext } from './tool-host.js';

export function apiClientFor(
  config: Config,
  logger: ApiLogger,
  shared: Pick<ApiClientOptions, 'pacing'> = {},
): ApiClient {
  return new ApiClient({
    ...shared,
    apiUrl: config.apiUrl,
    userAgent: USER_AGENT,
    timeoutMs: config.timeoutMs,
    logger,
    pace: config.pace,
  });
}

/** Discovery `auto` is on where the full list is long: the `all` mode. */
export function discoveryOn(discovery: Config['discovery'], mode: Mode): boolean {
  return discovery === 'on' || (discovery === 'auto' && mode === 'all');
}

/** The ToolHost settings that come from Config, for a caller in `mode`. */
export function hostSettings(
  config: Config,
  mode: Mode,
): Pick<HostContext, 'confirm' | 'maxResultChars' | 'scopeFilter' | 'discovery' | 'mode'> {
  return {
    confirm: config.confirm,
    maxResultChars: config.maxResultChars,
    scopeFilter: config.scopeFilter === 'on',
    discovery: discoveryOn(config.discovery, mode),
    mode,
  };
}

/**
 * The process's tasks: every tool of every mode can be resumed (a remote caller's URL picks its
 * own selection), kept in `store` (memory for stdio, SQLite for remote mode).
 */
export function toolTasksFor(
  config: Config,
  api: ApiClient,
  logger: CallLogger & { info(obj: object, msg: string): void },
  store: TaskStore,
  credentials: TaskCredentials,
): ToolTasks {
  const tools = [
    ...new Map(MODES.flatMap((m) => toolsForMode(catalogue, m)).map((t) => [t.spec, t])).values(),
  ];
  return new ToolTasks({
    store,
    api,
    tools,
    credentials,
    logger,
    maxResultChars: config.maxResultChars,
    ttlMs: config.taskTtlSec * 1000,
    maxPerCaller: config.maxTasksPerCaller,
  });
}
