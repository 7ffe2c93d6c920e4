/** The sealed confirmation state: bound to caller, tool and arguments; acting once per state. */
import { describe, expect, it } from 'vitest';
import { Confirmations, processKey } from '../../src/mcp/confirmation.js';
import { usedStatesInMemory } from '../../src/mcp/used-states.js';

const ARGS = { reply_id: 't1', body: 'Hi', channel: 'email' };
const ACCEPT = { confirm: { action: 'accept', content: { confirm: true } } };

async function asked(c: Confirmations, who = 'alice', tool = 'g8_send_reply', args: unknown = ARGS) {
  const result = await c.ask(who, tool, args, 'Send it.');
  expect(result.inputRequests?.confirm).toMatchObject({ method: 'elicitation/create' });
  return c.verify(result.requestState as string);
}

describe('Confirmations', () => {
  it('an accepted answer names the state id; the same arguments in another key order still match', async () => {
    const c = new Confirmations({ key: processKey() });
    const state = await asked(c);
    const reordered = { channel: 'email', body: 'Hi', reply_id: 't1' };
    expect(c.answer(state, ACCEPT, 'alice', 'g8_send_reply', reordered)).toEqual({
      kind: 'accepted',
      id: state.id,
    });
    expect(c.answer(state, { confirm: { action: 'decline' } }, 'alice', 'g8_send_reply', ARGS)).toEqual({
      kind: 'declined',
      id: state.id,
    });
    expect(c.answer(undefined, ACCEPT, 'alice', 'g8_send_reply', ARGS)).toEqual({ kind: 'none' });
  });

  it('another caller, another tool or other arguments do not match', async () => {
    const c = new Confirmations({ key: processKey() });
    const state = await asked(c);
    expect(c.answer(state, ACCEPT, 'mallory', 'g8_send_reply', ARGS).kind).toBe('mismatch');
    expect(c.answer(state, ACCEPT, 'alice', 'g8_delete_sequence', ARGS).kind).toBe('mismatch');
    expect(c.answer(state, ACCEPT, 'alice', 'g8_send_reply', { ...ARGS, body: 'Other' }).kind).toBe(
      'mismatch',
    );
    expect(c.answer({ v: 1, id: 'x' }, ACCEPT, 'alice', 'g8_send_reply', ARGS).kind).toBe('mismatch');
  });

  it('a state sealed under another key, or altered, does not verify', async () => {
    const a = new Confirmations({ key: processKey() });
    const b = new Confirmations({ key: processKey() });
    const result = await a.ask('alice', 'g8_send_reply', ARGS, 'Send it.');
    const state = result.requestState as string;
    await expect(b.verify(state)).rejects.toThrow();
    // One character in the middle of the MAC (the last one may carry only padding bits).
    const at = state.length - 10;
    const altered = `${state.slice(0, at)}${state[at] === 'A' ? 'B' : 'A'}${state.slice(at + 1)}`;
    await expect(a.verify(altered)).rejects.toThrow();
    await expect(a.verify(state)).resolves.toMatchObject({ v: 1, tool: 'g8_send_reply' });
  });

  it('acts once per state: a second use gets the first outcome, even while it is running', async () => {
    const c = new Confirmations({ key: processKey() });
    let runs = 0;
    const act = async () => {
      runs += 1;
      await new Promise((r) => setTimeout(r, 20));
      return { content: [{ type: 'text' as const, text: `run ${runs}` }] };
    };
    const [first, second] = await Promise.all([c.once('s1', act), c.once('s1', act)]);
    const third = await c.once('s1', act);
    expect(runs).toBe(1);
    expect(second).toBe(first);
    expect(third).toBe(first);
    await c.once('s2', act);
    expect(runs).toBe(2);
  });
});

describe('confirmation tokens', () => {
  it('a token is accepted for its caller, binding and arguments only', async () => {
    const c = new Confirmations({ key: processKey() });
    const token = await c.token('alice', 'g8_send_reply', ARGS);
    const ok = await c.redeem(token, 'alice', 'g8_send_reply', {
      channel: 'email',
      body: 'Hi',
      reply_id: 't1',
    });
    expect(ok).toEqual({ kind: 'accepted', id: expect.any(String) });
    expect((await c.redeem(token, 'mallory', 'g8_send_reply', ARGS)).kind).toBe('mismatch');
    expect((await c.redeem(token, 'alice', 'g8_delete_sequence', ARGS)).kind).toBe('mismatch');
    expect((await c.redeem(token, 'alice', 'g8_send_reply', { ...ARGS, body: 'Other' })).kind).toBe(
      'mismatch',
    );
    expect((await c.redeem(undefined, 'alice', 'g8_send_reply', ARGS)).kind).toBe('none');
    expect((await c.redeem('x'.repeat(5000), 'alice', 'g8_send_reply', ARGS)).kind).toBe('invalid');
  });

  it('a token and a question state cannot stand in for each other', async () => {
    const c = new Confirmations({ key: processKey() });
    const asState = await c.verify(await c.token('alice', 'g8_send_reply', ARGS));
    expect(c.answer(asState, ACCEPT, 'alice', 'g8_send_reply', ARGS).kind).toBe('mismatch');
    const question = await c.ask('alice', 'g8_send_reply', ARGS, 'Send it.');
    expect((await c.redeem(question.requestState, 'alice', 'g8_send_reply', ARGS)).kind).toBe('invalid');
  });

  it('a token expires', async () => {
    const c = new Confirmations({ key: processKey(), ttlSeconds: 1 });
    const token = await c.token('alice', 'g8_send_reply', ARGS);
    await new Promise((r) => setTimeout(r, 2_100));
    expect((await c.redeem(token, 'alice', 'g8_send_reply', ARGS)).kind).toBe('expired');
  });
});

describe('usedStatesInMemory', () => {
  const result = (text: string) => ({ content: [{ type: 'text' as const, text }] });

  it('remembers a state past its lifetime (the codec verifies up to a second later)', async () => {
    let t = 1_000_000;
    const used = usedStatesInMemory(() => t);
    let runs = 0;
    const act = async () => result(`run ${++runs}`);
    const full = () => result('full');
    await used.once('s', 300_000, act, full);
    t += 301_500;
    await used.once('s', 300_000, act, full);
    expect(runs).toBe(1);
    t += 10_000;
    await used.once('s', 300_000, act, full);
    expect(runs).toBe(2);
  });
});
