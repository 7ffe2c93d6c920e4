/** Spawns the built stdio server with the SDK's own client, capturing stderr for secret checks. */
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

export const MAIN = fileURLToPath(new URL('../../dist/src/main.js', import.meta.url));

export interface StdioSession {
  client: Client;
  stderr: () => string;
  close(): Promise<void>;
}

export async function startStdio(env: Record<string, string>, args: string[] = []): Promise<StdioSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MAIN, ...args],
    env: { PATH: process.env.PATH ?? '', G8_LOG_LEVEL: 'debug', ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const client = new Client({ name: 'g8-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}
