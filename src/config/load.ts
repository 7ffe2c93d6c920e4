/** The servers' and g8's Config: every setting a face of the server reads, from env and argv. */
import { readSettings } from './parse.js';
import type { Config, Face } from './settings.js';

const SERVER_FACES: readonly Face[] = ['stdio', 'remote', 'cli'];

export function loadConfig(env: NodeJS.ProcessEnv, argv: readonly string[] = []): Config {
  return readSettings({ faces: SERVER_FACES, helpWith: 'g8-mcp-server --help' }, env, argv)
    .settings as Config;
}

export type { Config } from './settings.js';
