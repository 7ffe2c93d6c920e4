/**
 * Progress for polled jobs, against the sandbox (whose jobs move queued → running → completed
 * over ~3 s): with a progressToken the tool follows the job and reports; without one it returns
 * the job handle at once and says how to poll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { enrichArgs as pickEnrichArgs } from '../helpers/sandbox-picks.js';
import { type StdioSession, startStdio } from '../helpers/stdio.js';

interface Progress {
  progress: number;
  total?: number;
  message?: string;
}

describe('progress notifications', () => {
  let sb: TestSandbox;
  let session: StdioSession;

  beforeAll(async () => {
    sb = await startTestSandbox();
    session = await startStdio({
      G8_API_KEY: sb.demoKey,
      G8_API_URL: sb.url,
      G8_CONFIRM: 'never',
      G8_LOG_LEVEL: 'warn',
    });
  });
  afterAll(async () => {
    await session.close();
    await sb.stop();
  });

  const enrichArgs = () => pickEnrichArgs(sb.db);

  it('g8_enrich_contacts with a progressToken follows the job to the end', async () => {
    const updates: Progress[] = [];
    const r = await session.client.callTool(
      { name: 'g8_enrich_contacts', arguments: enrichArgs() },
      { onprogress: (p) => updates.push(p), timeout: 30_000 },
    );
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ status: 'completed' });
    // The job spends ~3 s queued and running; on a loaded machine the first poll may already see it
    // late, so only the end of the story is certain: reported, complete, and strictly increasing.
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.map((u) => u.message).join(' ')).toMatch(/enrichment job .+: (queued|running|completed)/);
    // The SDK client handles notifications on a microtask but responses at once, so a final
    // progress notification that arrives in the same read as the result can be dropped by the
    // client; the result itself says the job completed. What was received must be well-formed.
    for (const u of updates) expect(u.total).toBe(2);
    // Progress only moves forward.
    for (let i = 1; i < updates.length; i++)
      expect(updates[i]!.progress).toBeGreaterThanOrEqual(updates[i - 1]!.progress);
  });

  it('without a progressToken it returns the job handle at once, with how to poll', async () => {
    const started = Date.now();
    const r = await session.client.callTool({ name: 'g8_enrich_contacts', arguments: enrichArgs() });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(r.structuredContent).toMatchObject({ status: 'queued' });
    expect(String((r.structuredContent as { next: string }).next)).toMatch(/\/enrichment\/jobs\//);
  });

  it('g8_trigger_audience_sync with a progressToken reports until the run ends', async () => {
    // Seeded runs lie in the past, so a seeded active config has no run in progress.
    const org = (await sb.rest('GET', '/me')).body.data.org_id;
    const config = sb.db
      .prepare('SELECT id FROM aud_syncs WHERE is_active = 1 AND org_id = ? ORDER BY id LIMIT 1')
      .get(org) as { id: number };
    const updates: Progress[] = [];
    const r = await session.client.callTool(
      { name: 'g8_trigger_audience_sync', arguments: { config_id: config.id } },
      { onprogress: (p) => updates.push(p), timeout: 30_000 },
    );
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    expect(['completed', 'failed']).toContain((r.structuredContent as { status: string }).status);
    expect(updates.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < updates.length; i++)
      expect(updates[i]!.progress).toBeGreaterThan(updates[i - 1]!.progress);
  });
});
