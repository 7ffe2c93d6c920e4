/**
 * `npm start`'s demo (`g8-mcp-server demo`) as a user runs it: the banner names the API, the key,
 * a self-check through the real MCP server and the request log file; request lines go to that
 * file, not under the banner.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAIN } from '../helpers/stdio.js';

describe('the demo', () => {
  it('prints a banner that stays readable, and logs requests to a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'g8-demo-'));
    const child = spawn(process.execPath, [MAIN, 'demo', '--port', '0', '--db', join(dir, 'sandbox.db')], {
      env: { PATH: process.env.PATH ?? '', HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d;
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner in 30 s: ${out} ${err}`)), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        if (out.includes('Press Ctrl+C to stop.')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    expect(out).toMatch(/self-check \d+ tools listed; g8_search_contacts found \d+ contacts/);
    expect(out).toContain(`requests   ${join(dir, 'sandbox.log')}`);
    expect(err).toBe('');
    expect(readFileSync(join(dir, 'sandbox.log'), 'utf8')).toMatch(/GET \/api\/v1\/contacts/);
  }, 60_000);
});
