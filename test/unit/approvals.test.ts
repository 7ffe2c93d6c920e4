/** The approval desk: one exact call per approval, claimed once, only after a person approved it. */
import { describe, expect, it } from 'vitest';
import { Approvals } from '../../src/stores/approvals.js';

const BASE = new URL('https://mcp.example.test');
const ARGS = { reply_id: 't1', body: 'Hi' };
const request = (who = 'key:a', args: Record<string, unknown> = ARGS) => ({
  who,
  binding: 'POST /inbox/{reply_id}/send',
  tool: 'g8_send_reply',
  args,
  summary: 'Send it.',
});
const idOf = (url: string) => new URL(url).pathname.split('/').at(-1) as string;

describe('Approvals', () => {
  it('an approval is claimed only once approved, only for the same caller and arguments, only once', async () => {
    const desk = new Approvals(BASE, 300);
    const url = (await desk.open(request())) as string;
    expect(url).toMatch(/^https:\/\/mcp\.example\.test\/approve\/[\w-]{32}$/);
    expect(await desk.claim('key:a', request().binding, ARGS)).toBeUndefined();
    const id = idOf(url);
    expect(await desk.settle(id, 'approved')).toBe(true);
    // Settled once: a second answer (approve or decline) changes nothing.
    expect(await desk.settle(id, 'declined')).toBe(false);
    expect(await desk.claim('key:b', request().binding, ARGS)).toBeUndefined();
    expect(await desk.claim('key:a', request().binding, { ...ARGS, body: 'Other' })).toBeUndefined();
    expect(await desk.claim('key:a', request().binding, { body: 'Hi', reply_id: 't1' })).toBe(id);
    expect(await desk.claim('key:a', request().binding, ARGS)).toBeUndefined();
  });

  it('expires, and a caller’s many previews evict only its own oldest approvals', async () => {
    let t = 0;
    const desk = new Approvals(BASE, 300, () => t);
    const other = idOf((await desk.open(request('key:b'))) as string);
    const mine: string[] = [];
    for (let i = 0; i < 21; i++) mine.push(idOf((await desk.open(request('key:a'))) as string));
    expect(await desk.get(mine[0]!)).toBeUndefined();
    expect(await desk.get(mine[20]!)).toBeDefined();
    expect(await desk.get(other)).toBeDefined();
    t += 300_001;
    expect(await desk.get(other)).toBeUndefined();
  });
});
