/**
 * The artifact users run: `npm pack`, install the tarball into an empty folder with production
 * dependencies only (and without the optional SQLite addon, which stdio mode never loads), then
 * the installed bin must answer initialize and tools/list over stdio — what `npx -y` runs — and
 * start remote mode with its embedded SQLite store, with no compiler on PATH and no native module
 * installed (the store is WebAssembly: src/stores/sqlite.ts). `npm run release:check` does the same and
 * more (g8 --version, the sandbox package, timings).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client as ModernClient } from '@modelcontextprotocol/client';
import { StdioClientTransport as ModernStdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, describe, expect, it } from 'vitest';
import { AUTH_MIGRATIONS } from '../../src/auth/sqlite-store.js';
import { openSqlite } from '../../src/stores/sqlite.js';
import { spawnRemote } from '../helpers/http-process.js';

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

  it('the installed bin starts remote mode on its embedded store, with no compiler and no native module', {
    timeout: 60_000,
  }, async () => {
    const app = join(dir, 'app');
    const installed = readdirSync(join(app, 'node_modules'), { recursive: true, encoding: 'utf8' });
    expect(installed.filter((f) => f.endsWith('.node'))).toEqual([]);
    // PATH holds node and nothing else: no cc, make or python to build anything with.
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, join(bin, 'node'));
    const data = join(dir, 'data');
    const remote = await spawnRemote(
      { PATH: bin, G8_DATA_DIR: data, G8_API_URL: 'http://127.0.0.1:9', G8_LOG_LEVEL: 'info' },
      [],
      join(app, 'node_modules', '.bin', 'g8-mcp-server'),
    );
    let clientId: string;
    try {
      expect((await fetch(new URL('/readyz', remote.publicUrl))).status).toBe(200);
      const registered = await fetch(new URL('/register', remote.publicUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:9/cb'], client_name: 'pack-check' }),
      });
      expect(registered.status).toBe(201);
      clientId = ((await registered.json()) as { client_id: string }).client_id;
    } finally {
      await remote.close();
    }
    expect(readdirSync(data)).toEqual(expect.arrayContaining(['oauth.db', 'tasks.db', 'audit.db']));
    const db = await openSqlite(data, 'oauth.db', 'OAuth grants', AUTH_MIGRATIONS);
    try {
      expect(db.prepare('SELECT client_id FROM clients').all()).toEqual([{ client_id: clientId }]);
    } finally {
      db.close();
    }
  });
});
