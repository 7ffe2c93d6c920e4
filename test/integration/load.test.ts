/**
 * Bounded loopback load: 1,000 concurrent calls with 10% injected faults all get an answer, and
 * the server's memory settles back instead of growing round after round. Plus pacing: a burst
 * against a backend that enforces 50 requests/s meets no 429.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultHandler, type RecordingServer, startRecordingServer } from '../helpers/recording-server.js';
import { MAIN } from '../helpers/stdio.js';

const GC_HOOK = fileURLToPath(new URL('../helpers/gc-on-signal.cjs', import.meta.url));

/** RSS after a full GC in the server (see gc-on-signal.cjs). */
async function settledRssMb(pid: number): Promise<number> {
  process.kill(pid, 'SIGUSR2');
  await new Promise((r) => setTimeout(r, 300));
  return rssMb(pid);
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return Number(line?.[1] ?? 0) / 1024;
}

async function spawn(env: Record<string, string>) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--expose-gc', '--require', GC_HOOK, MAIN],
    env: { PATH: process.env.PATH ?? '', G8_API_KEY: 'g8_test_load', G8_CONFIRM: 'never', ...env },
  });
  const client = new Client({ name: 'load', version: '1' });
  await client.connect(transport);
  return { client, pid: transport.pid! };
}

describe('load', () => {
  let backend: RecordingServer;
  beforeAll(async () => {
    backend = await startRecordingServer();
  });
  afterAll(() => backend.close());

  it('answers 1,000 concurrent calls with 10% faults; memory settles', { timeout: 120_000 }, async () => {
    let n = 0;
    const rows = Array.from({ length: 10 }, (_, i) => ({
      id: i,
      first_name: `Ada${i}`,
      work_email: `a${i}@x.test`,
    }));
    backend.setHandler((req) => {
      const k = n++ % 10;
      if (k === 3) return { status: 404, body: { detail: 'Contact not found' } };
      if (k === 7) return { status: 400, body: { detail: 'bad' } };
      if (req.path.endsWith('/contacts'))
        return { body: { data: rows, pagination: { page: 1, limit: 10, total: 10 } } };
      return defaultHandler(req);
    });
    const { client, pid } = await spawn({ G8_API_URL: backend.url, G8_PACE: 'off', G8_LOG_LEVEL: 'warn' });
    const round = async () => {
      const results = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          client.callTool({ name: 'g8_search_contacts', arguments: { name: `n${i}`, limit: 10 } }),
        ),
      );
      return { total: results.length, errors: results.filter((r) => r.isError).length };
    };
    await round(); // warm-up: JIT, pools, caches
    const idle = await settledRssMb(pid);
    const rss: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { total, errors } = await round();
      expect(total).toBe(1000);
      expect(errors).toBe(200); // the injected 10% + 10% non-retryable faults, each answered as a tool error
      rss.push(await settledRssMb(pid));
    }
    console.log(
      `load: idle ${idle.toFixed(1)} MB after warm-up; after rounds ${rss.map((r) => r.toFixed(1)).join(', ')} MB`,
    );
    // No growth from round to round (a leak would add per call), and close to the warm idle level.
    expect(rss[2]! - rss[0]!).toBeLessThan(15);
    expect(rss[2]! - idle).toBeLessThan(40);
    await client.close();
  });

  it('paces a burst under the published 50/s so the backend sends no 429', { timeout: 60_000 }, async () => {
    const sent: number[] = [];
    let refused = 0;
    backend.setHandler((req) => {
      const now = Date.now();
      sent.push(now);
      // The backend's own sliding one-second window of 50.
      if (sent.filter((t) => now - t < 1000).length > 50) {
        refused++;
        return {
          status: 429,
          body: { detail: 'Rate limit exceeded. Please slow down.' },
          headers: { 'retry-after': '1' },
        };
      }
      return defaultHandler(req);
    });
    const { client } = await spawn({ G8_API_URL: backend.url });
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 120 }, () =>
        client.callTool({ name: 'g8_get_company', arguments: { company_id: 1 } }),
      ),
    );
    const elapsed = Date.now() - started;
    expect(results.every((r) => !r.isError)).toBe(true);
    expect(refused).toBe(0);
    expect(elapsed).toBeGreaterThanOrEqual(2000); // 120 requests at 50/s need two full windows
    await client.close();
  });
});
