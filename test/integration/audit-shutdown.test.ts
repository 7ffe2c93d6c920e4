/**
 * The audit trail loses nothing on a clean shutdown, through the built server process under a
 * burst of 1,000 concurrent tool calls: records are written in batches off the request path, so
 * at SIGTERM some are still queued; the server lets the calls in flight finish and writes every
 * record before it exits. Each call is matched to its record by the SHA-256 of its arguments.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxHandle, startSandbox } from '../../packages/sandbox/src/index.js';
import { canonical } from '../../src/mcp/confirmation.js';
import { allRecords } from '../helpers/audit.js';
import { type RemoteProcess, spawnRemote } from '../helpers/http-process.js';
import { httpRaw } from '../helpers/modern-raw.js';

const CALLS = 1000;

let dir: string;
let sandbox: SandboxHandle;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'g8-audit-burst-'));
  sandbox = await startSandbox({
    port: 0,
    dbPath: join(dir, 'sandbox.db'),
    rateLimit: { perSecond: 1_000_000, perMinute: 10_000_000 },
    log: () => {},
  });
});

afterAll(async () => {
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function start(): Promise<RemoteProcess> {
  return spawnRemote({
    G8_API_URL: sandbox.url,
    G8_DATA_DIR: join(dir, 'data'),
    G8_PACE: 'off',
    G8_LOG_LEVEL: 'info',
    // One key drives the whole burst: the per-principal limits would refuse most of it.
    G8_CALLS_PER_MIN_PER_PRINCIPAL: '0',
    G8_MAX_INFLIGHT_PER_PRINCIPAL: '0',
  });
}

function sha(args: Record<string, unknown>): string {
  return createHash('sha256').update(canonical(args)).digest('hex');
}

/**
 * Sends CALLS concurrent calls; `onAnswer(n)` runs after the n-th answer. Returns the hashes of
 * the calls that were answered with a tool result, and of all that were sent.
 */
async function burst(server: RemoteProcess, round: string, onAnswer: (n: number) => void) {
  const client = httpRaw(server.url, sandbox.demoKey);
  const sent: string[] = [];
  const answered: string[] = [];
  let n = 0;
  await Promise.all(
    Array.from({ length: CALLS }, async (_, i) => {
      const args = { name: `${round} ${i}`, limit: 1 };
      sent.push(sha(args));
      try {
        const { response } = await client.request('tools/call', {
          name: 'g8_search_contacts',
          arguments: args,
        });
        if (response.result && !response.result.isError) answered.push(sha(args));
      } catch {
        // Refused or cut off once the server stopped taking connections: no answer, maybe no record.
      }
      onAnswer(++n);
    }),
  );
  return { sent, answered };
}

/** How many records the shutdown's last flush wrote (its log line); throws if it never ran. */
function flushedAtShutdown(server: RemoteProcess): number {
  expect(server.stderr()).not.toMatch(/could not be written/);
  const found = /"written":(\d+),"msg":"audit trail flushed at shutdown"/.exec(server.stderr());
  if (!found) throw new Error(`no shutdown flush in the log:\n${server.stderr().slice(-2000)}`);
  return Number(found[1]);
}

/** The records of one round, read back from a fresh server on the same data directory. */
async function recordsOf(shas: readonly string[]): Promise<string[]> {
  const server = await start();
  try {
    const wanted = new Set(shas);
    const all = await allRecords(server.publicUrl, sandbox.demoKey, { tool: 'g8_search_contacts' });
    return all.map((r) => r.args_sha256 as string).filter((s) => wanted.has(s));
  } finally {
    await server.close();
  }
}

describe('audit trail under a burst', () => {
  it(`${CALLS} concurrent calls make ${CALLS} records, though SIGTERM comes as the last answer arrives`, {
    timeout: 120_000,
  }, async () => {
    const server = await start();
    let stopping: Promise<void> | undefined;
    const { sent, answered } = await burst(server, 'all', (n) => {
      if (n === CALLS) stopping = server.close();
    });
    await stopping;
    expect(answered).toHaveLength(CALLS);
    const records = await recordsOf(sent);
    expect(records).toHaveLength(CALLS);
    expect(new Set(records)).toEqual(new Set(answered));
    expect(flushedAtShutdown(server)).toBeGreaterThanOrEqual(0);
  });

  it('SIGTERM in the middle of the burst: every answered call has its record, none twice', {
    timeout: 120_000,
  }, async () => {
    const server = await start();
    let stopping: Promise<void> | undefined;
    const { sent, answered } = await burst(server, 'mid', (n) => {
      if (n === CALLS / 4) stopping = server.close();
    });
    await stopping;
    const records = await recordsOf(sent);
    console.log(
      `audit burst with SIGTERM after ${CALLS / 4} answers: ${answered.length} answered, ${records.length} records, ${flushedAtShutdown(server)} of them written by the shutdown flush`,
    );
    expect(answered.length).toBeGreaterThanOrEqual(CALLS / 4);
    // Nothing answered is missing; nothing is recorded twice or for a call not made.
    const recorded = new Set(records);
    expect(answered.filter((s) => !recorded.has(s))).toEqual([]);
    expect(recorded.size).toBe(records.length);
    expect(flushedAtShutdown(server)).toBeGreaterThanOrEqual(0);
  });
});
