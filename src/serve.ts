/**
 * What stdio and remote mode build the same way from the validated Config: the REST client and the
 * settings every MCP server gets. One place, so a new setting cannot reach one face and not the
 * other.
 */
import { ApiClient, type ApiLogger } from './api/client.js';
import type { Mode } from './catalogue/types.js';
import type { Config } from './config.js';
import { discoveryOn } from './fast/config.js';
import type { ServerContext } from './mcp/server.js';
import { USER_AGENT } from './version.js';

export function apiClientFor(config: Config, logger: ApiLogger): ApiClient {
  return new ApiClient({
    apiUrl: config.apiUrl,
    userAgent: USER_AGENT,
    timeoutMs: config.timeoutMs,
    logger,
    pace: config.pace,
  });
}

/** The buildServer settings that come from Config, for a session in `mode`. */
export function serverSettings(
  config: Config,
  mode: Mode,
): Pick<ServerContext, 'confirm' | 'maxResultChars' | 'scopeFilter' | 'discovery' | 'mode'> {
  return {
    confirm: config.confirm,
    maxResultChars: config.maxResultChars,
    scopeFilter: config.scopeFilter === 'on',
    discovery: discoveryOn(config.discovery, mode),
    mode,
  };
}
