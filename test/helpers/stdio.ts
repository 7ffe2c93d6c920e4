/**
 * Spawns the built stdio server with an SDK client, capturing stderr for secret checks.
 * `startStdio` connects the v2 client pinned to 2026-07-28 (the current protocol);
 * `startStdio2025` the v1 client, for what only the 2025 era has (initialize, setLevel, pushed
 * elicitation) and the clients still in use that speak it.
 */
import { fileURLToPath } from 'node:url';
import { Client, type ClientCapabilities } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as LegacyStdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

export const MAIN = fileURLToPath(new URL('../../dist/src/entry/main.js', import.meta.url));

interface Session<C> {
  client: C;
  stderr: () => string;
  close(): Promise<void>;
}

export type StdioSession = Session<Client>;
export type StdioSession2025 = Session<LegacyClient>;

function params(env: Record<string, string>, args: string[]) {
  return {
    command: process.execPath,
    args: [MAIN, ...args],
    env: { PATH: process.env.PATH ?? '', G8_LOG_LEVEL: 'debug', ...env },
    stderr: 'pipe' as const,
  };
}

export async function startStdio(
  env: Record<string, string>,
  args: string[] = [],
  capabilities: ClientCapabilities = {},
): Promise<StdioSession> {
  const transport = new StdioClientTransport(params(env, args));
  let stderr = '';
  transport.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const client = new Client(
    { name: 'g8-test', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } }, capabilities },
  );
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

export async function startStdio2025(
  env: Record<string, string>,
  args: string[] = [],
): Promise<StdioSession2025> {
  const transport = new LegacyStdioClientTransport(params(env, args));
  let stderr = '';
  transport.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const client = new LegacyClient({ name: 'g8-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}
