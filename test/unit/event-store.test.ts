/** The 2025 sessions' SSE event store: replay after an id, bounded, ids never reused. */
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../src/remote/event-store.js';

const note = (n: number, pad = 0): JSONRPCMessage =>
  ({
    jsonrpc: '2.0',
    method: 'notifications/progress',
    params: { progress: n, pad: 'x'.repeat(pad) },
  }) as JSONRPCMessage;

async function replay(store: MemoryEventStore, after: string) {
  const got: string[] = [];
  const stream = await store.replayEventsAfter(after, {
    send: async (id) => {
      got.push(id);
    },
  });
  return { stream, got };
}

describe('MemoryEventStore', () => {
  it('replays what came after an id, on that stream only', async () => {
    const store = new MemoryEventStore();
    const a1 = await store.storeEvent('a', note(1));
    await store.storeEvent('b', note(1));
    const a2 = await store.storeEvent('a', note(2));
    const a3 = await store.storeEvent('a', note(3));
    expect(await replay(store, a1)).toEqual({ stream: 'a', got: [a2, a3] });
    expect(await store.getStreamIdForEventId(a2)).toBe('a');
    expect(await replay(store, 'nope_1')).toEqual({ stream: '', got: [] });
  });

  it('never reuses an event id, even for a stream forgotten and written again', async () => {
    const store = new MemoryEventStore();
    const ids = new Set<string>();
    const first = await store.storeEvent('s0', note(0));
    ids.add(first);
    for (let i = 1; i <= 40; i++) ids.add(await store.storeEvent(`s${i}`, note(i)));
    // s0 was forgotten (more than 32 streams); writing to it again must not hand out `first` again.
    const again = await store.storeEvent('s0', note(99));
    expect(again).not.toBe(first);
    expect(ids.has(again)).toBe(false);
    expect(await store.getStreamIdForEventId(first)).toBeUndefined();
  });

  it('keeps the GET stream while forgetting newer POST streams, and stays under its byte budget', async () => {
    const store = new MemoryEventStore();
    const question = await store.storeEvent('_GET_stream', note(0));
    const posted: string[] = [];
    for (let i = 0; i < 60; i++) posted.push(await store.storeEvent(`post${i}`, note(i, 20_000)));
    // The GET stream's event is still there to replay after a reconnect.
    expect(await store.getStreamIdForEventId(question)).toBe('_GET_stream');
    const late = await store.storeEvent('_GET_stream', note(1));
    expect((await replay(store, question)).got).toEqual([late]);
    // 60 × 20 KB written; the store holds at most its budget (512 KB), the newest ones.
    let held = 0;
    for (const id of posted) if ((await store.getStreamIdForEventId(id)) !== undefined) held += 1;
    expect(held).toBeGreaterThan(0);
    expect(await store.getStreamIdForEventId(posted.at(-1) as string)).toBe('post59');
    expect(await store.getStreamIdForEventId(posted[0] as string)).toBeUndefined();
    expect(held * 20_000).toBeLessThanOrEqual(512 * 1024);
  });
});
