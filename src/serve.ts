/**
 * What stdio and remote mode build the same way from the validated Config: the REST client and the
 * settings every caller's ToolHost gets. One place, so a new setting cannot reach one face and not
 * the other.
 */
import { ApiClient, type ApiClientOptions, type ApiLogger } from './api/client.js';
import type { Mode } from './catalogue/types.js';
import type { Config } from './config.js';
import type { HostContext } from './mcp/tool-host.js';
import { USER_AGENT } from './version.js';

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
