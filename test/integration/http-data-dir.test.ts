/**
 * The data directory's modes are checked, not trusted (issue 17, finding 12): a G8_DATA_DIR others
 * can write, or an mcp-secret others can read or write, is tightened when this user owns it, and
 * otherwise the real remote server refuses to start with the fix in one line.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { startRemoteServer } from '../../src/remote/server.js';
import { catalogue } from '../../tools/index.js';
import { MAIN } from '../helpers/stdio.js';

const SECRET = `${Buffer.alloc(32, 7).toString('base64url')}\n`;
const isRoot = process.getuid?.() === 0;
const dirs: string[] = [];

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'g8-modes-'));
  dirs.push(dir);
  return dir;
}

function start(dir: string) {
  const config = loadConfig({ G8_API_URL: 'http://127.0.0.1:9', G8_HTTP_PORT: '0', G8_DATA_DIR: dir });
  return startRemoteServer(config, catalogue, pino({ level: 'silent' }), { rateLimit: false });
}

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(process.platform === 'win32')('the data directory', () => {
  it('ours at 0777 with an mcp-secret at 0644: tightened to 0700 and 0600, and the server starts', async () => {
    const dir = dataDir();
    chmodSync(dir, 0o777);
    writeFileSync(join(dir, 'mcp-secret'), SECRET);
    chmodSync(join(dir, 'mcp-secret'), 0o644);
    const server = await start(dir);
    try {
      expect(mode(dir)).toBe(0o700);
      expect(mode(join(dir, 'mcp-secret'))).toBe(0o600);
    } finally {
      await server.close();
    }
  });

  it.skipIf(!isRoot)('someone else’s, writable by others: the server refuses to start', async () => {
    const dir = dataDir();
    chmodSync(dir, 0o777);
    chownSync(dir, 65534, 65534);
    await expect(start(dir)).rejects.toThrow(/writable by other users \(mode 777\).*chmod 700/);
    expect(mode(dir)).toBe(0o777);
  });

  it.skipIf(!isRoot)('an mcp-secret someone else owns and others can read: refused, never read', async () => {
    const dir = dataDir();
    const file = join(dir, 'mcp-secret');
    writeFileSync(file, SECRET);
    chmodSync(file, 0o644);
    chownSync(file, 65534, 65534);
    await expect(start(dir)).rejects.toThrow(
      /mcp-secret can be read or written by other users \(mode 644\).*chmod 600/,
    );
    expect(mode(file)).toBe(0o644);
  });

  it.skipIf(!isRoot)('the built entry: one line naming the fix, exit 1', () => {
    const dir = dataDir();
    chmodSync(dir, 0o777);
    chownSync(dir, 65534, 65534);
    const r = spawnSync(process.execPath, [MAIN, '--http', '--port', '0'], {
      env: { PATH: process.env.PATH ?? '', G8_DATA_DIR: dir, G8_LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/G8_DATA_DIR .* is writable by other users .*chmod 700/);
    expect(r.stdout).toBe('');
  });
});
