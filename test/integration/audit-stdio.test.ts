/**
 * Stdio mode keeps an audit trail only when G8_AUDIT_FILE is set: a JSON line per tool call,
 * appended to that file (owner-only), never on stdout; without the setting, nothing is written.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxHandle, startSandbox } from '../../packages/sandbox/src/index.js';
import { orgIds } from '../helpers/audit.js';
import { stdioRaw } from '../helpers/modern-raw.js';

let dir: string;
let sandbox: SandboxHandle;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'g8-audit-stdio-'));
  sandbox = await startSandbox({ port: 0, dbPath: join(dir, 'sandbox.db'), log: () => {} });
});

afterAll(async () => {
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs two calls over stdio and waits for the process to end (which flushes the trail). */
async function twoCalls(env: Record<string, string>): Promise<void> {
  const client = stdioRaw({ G8_API_KEY: sandbox.demoKey, G8_API_URL: sandbox.url, G8_PACE: 'off', ...env });
  const ok = await client.request('tools/call', {
    name: 'g8_search_contacts',
    arguments: { email: 'someone@example.com', limit: 1 },
  });
  expect(ok.response.result?.isError).toBeFalsy();
  await client.request('tools/call', { name: 'g8_get_contact', arguments: { contact_id: 424242 } });
  await client.close();
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

describe('stdio audit file', () => {
  it('G8_AUDIT_FILE: one JSON line per call, owner-only, no address or key in it', async () => {
    const file = join(dir, 'audit.jsonl');
    await twoCalls({ G8_AUDIT_FILE: file });
    await until(() => existsSync(file) && readFileSync(file, 'utf8').split('\n').length > 2);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    const [search, missing] = lines.map((l) => JSON.parse(l));
    expect(search).toMatchObject({
      kind: 'call',
      tool: 'g8_search_contacts',
      outcome: 'ok',
      org_id: orgIds(sandbox.db).demo,
      principal_kind: 'api_key',
      client_name: 'raw-2026',
      approval: 'not_gated',
      http_status: 200,
    });
    expect(JSON.parse(search.args_summary)).toEqual({ email: '[19 chars]', limit: 1 });
    expect(missing).toMatchObject({ tool: 'g8_get_contact', outcome: 'tool_error', http_status: 404 });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('someone@example.com');
    expect(text).not.toContain(sandbox.demoKey);
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('without G8_AUDIT_FILE nothing is written', async () => {
    const quiet = mkdtempSync(join(dir, 'quiet-'));
    await twoCalls({ HOME: quiet, G8_DATA_DIR: quiet });
    expect(readdirSync(quiet)).toEqual([]);
  });
});
