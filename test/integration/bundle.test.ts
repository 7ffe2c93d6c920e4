/**
 * The bundled bin (what `npx g8-mcp-server` runs) carries tool schemas converted at bundle time:
 * its tool lists must be, byte for byte, what the unbundled build converts at run time.
 */
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { describe, expect, it } from 'vitest';
import { MAIN } from '../helpers/stdio.js';

const BUNDLE = fileURLToPath(new URL('../../dist/bundle/main.js', import.meta.url));

async function toolList(entry: string, env: Record<string, string>): Promise<string> {
  const client = new Client(
    { name: 'bundle-check', version: '1' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [entry],
      env: {
        PATH: process.env.PATH ?? '',
        G8_API_KEY: 'g8_test_bundlecheck',
        G8_API_URL: 'http://127.0.0.1:9',
        G8_SCOPE_FILTER: 'off',
        G8_LOG_LEVEL: 'silent',
        ...env,
      },
    }),
  );
  try {
    return JSON.stringify((await client.listTools()).tools);
  } finally {
    await client.close();
  }
}

describe('bundled bin', () => {
  it.each([
    { G8_MCP_MODE: 'all', G8_DISCOVERY: 'off' },
    { G8_MCP_MODE: 'dev', G8_DISCOVERY: 'off' },
    { G8_MCP_MODE: 'gtm', G8_DISCOVERY: 'off' },
    { G8_MCP_MODE: 'all' },
  ])(
    'lists the same tools as the unbundled build: %o',
    async (env) => {
      const [bundled, unbundled] = await Promise.all([toolList(BUNDLE, env), toolList(MAIN, env)]);
      expect(bundled.length).toBeGreaterThan(1000);
      expect(bundled).toBe(unbundled);
    },
    30_000,
  );
});
