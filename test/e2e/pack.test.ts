/**
 * The artifact users run: `npm pack`, install the tarball into an empty folder with production
 * dependencies only, then the installed bin must answer initialize and tools/list over stdio —
 * what `npx -y` runs. `npm run release:check` does the same and more (remote mode, timings).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client as ModernClient } from '@modelcontextprotocol/client';
import { StdioClientTransport as ModernStdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('npm pack → install → run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'g8-pack-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the installed bin serves the catalogue over stdio', { timeout: 300_000 }, async () => {
    // dist/ is already built by `npm test`; skipping prepack keeps it stable for parallel tests.
    execFileSync(NPM, ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, stdio: 'pipe' });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const app = join(dir, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), '{"name":"pack-check","version":"1.0.0","private":true}');
    execFileSync(
      NPM,
      [
        'install',
        '--omit=dev',
        '--omit=optional',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        join(dir, tarball!),
      ],
      { cwd: app, stdio: 'pipe' },
    );
    const files = readdirSync(join(app, 'node_modules', 'g8-mcp-server'));
    expect(files).toContain('dist');
    expect(files).not.toContain('src');
    expect(files).not.toContain('test');

    const transport = new StdioClientTransport({
      command: join(app, 'node_modules', '.bin', 'g8-mcp-server'),
      env: {
        PATH: process.env.PATH ?? '',
        G8_API_KEY: 'g8_test_packcheck',
        G8_API_URL: 'http://127.0.0.1:9',
      },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'pack-check', version: '1.0.0' });
    await client.connect(transport);
    expect(client.getServerVersion()?.name).toBe('g8-mcp-server');
    // The default (all mode) lists the core set plus discovery; G8_DISCOVERY=off would list all 55.
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining(['g8_search_contacts', 'g8_tool_search', 'g8_call', 'g8_whoami']),
    );
    expect(tools.length).toBeLessThanOrEqual(23);
    await client.close();

    // The same installed bin for a 2026-07-28 client (server/discover, no initialize).
    const modern = new ModernClient(
      { name: 'pack-check-2026', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    await modern.connect(
      new ModernStdioClientTransport({
        command: join(app, 'node_modules', '.bin', 'g8-mcp-server'),
        env: {
          PATH: process.env.PATH ?? '',
          G8_API_KEY: 'g8_test_packcheck',
          G8_API_URL: 'http://127.0.0.1:9',
        },
        stderr: 'pipe',
      }),
    );
    expect(modern.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    expect((await modern.listTools()).tools.map((t) => t.name)).toEqual(names);
    await modern.close();
  });
});
