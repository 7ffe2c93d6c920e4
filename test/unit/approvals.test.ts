/** The approval desk: one exact call per approval, claimed once, only after a person approved it. */
import { describe, expect, it } from 'vitest';
import { Approvals } from '../../src/remote/approval/desk.js';

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
  it('an approval is claimed only once approved, only for the same caller and arguments, only once', () => {
    const desk = new Approvals(BASE, 300);
    const url = desk.open(request());
    expect(url).toMatch(/^https:\/\/mcp\.example\.test\/approve\/[\w-]{32}$/);
    expect(desk.claim('key:a', request().binding, ARGS)).toBeUndefined();
    const approval = desk.get(idOf(url))!;
    approval.status = 'approved';
    expect(desk.claim('key:b', request().binding, ARGS)).toBeUndefined();
    expect(desk.claim('key:a', request().binding, { ...ARGS, body: 'Other' })).toBeUndefined();
    expect(desk.claim('key:a', request().binding, { body: 'Hi', reply_id: 't1' })).toBe(approval.id);
    expect(desk.claim('key:a', request().binding, ARGS)).toBeUndefined();
  });

  it('expires, and a caller’s many previews evict only its own oldest approvals', () => {
    let t = 0;
    const desk = new Approvals(BASE, 300, () => t);
    const other = idOf(desk.open(request('key:b')));
    const mine = Array.from({ length: 21 }, () => idOf(desk.open(request('key:a'))));
    expect(desk.get(mine[0]!)).toBeUndefined();
    expect(desk.get(mine[20]!)).toBeDefined();
    expect(desk.get(other)).toBeDefined();
    t += 300_001;
    expect(desk.get(other)).toBeUndefined();
  });
});
