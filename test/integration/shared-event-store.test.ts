/**
 * The Redis event store of shared 2025-era sessions (src/remote/shared-sessions/event-store.ts) on the
 * real Redis, two stores on two connections standing for two replicas: an event kept by one is
 * replayed by the other, exactly the events of its stream after the one named, in order (a session's
 * streams share one Redis key); ids of one session are
 * useless to another; nothing is kept while muted; and with Redis cut, events go to the replica's
 * own memory and are still replayed there.
 */
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisEventStore } from '../../src/remote/shared-sessions/event-store.js';
import { type Engines, freshEngines } from '../helpers/engines.js';
import { type TcpCut, tcpCut } from '../helpers/tcp-cut.js';

let engines: Engines;
let relay: TcpCut;
let one: Redis;
let two: Redis;

const connect = (port: number) => {
  const r = new Redis({
    port,
    keyPrefix: engines.redisPrefix,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
    lazyConnect: true,
  });
  r.on('error', () => {});
  return r;
};

beforeAll(async () => {
  engines = await freshEngines();
  relay = await tcpCut(6379);
  one = connect(6379);
  two = connect(relay.port);
  await Promise.all([one.connect(), two.connect()]);
});

afterAll(async () => {
  one?.disconnect();
  two?.disconnect();
  await relay?.close();
  await engines?.drop();
});

const note = (n: number): JSONRPCMessage => ({
  jsonrpc: '2.0',
  method: 'notifications/progress',
  params: { progressToken: 't', progress: n },
});

async function replay(store: RedisEventStore, after: string) {
  const got: { id: string; message: JSONRPCMessage }[] = [];
  const stream = await store.replayEventsAfter(after, {
    send: async (id, message) => {
      got.push({ id, message });
    },
  });
  return { stream, got };
}

describe('the Redis event store', () => {
  it('keeps no priming event: its id names the stream before any entry, and resuming from it replays all', async () => {
    const a = new RedisEventStore(one, 'sess-priming');
    const b = new RedisEventStore(two, 'sess-priming');
    const priming = await a.storeEvent('req-p', {} as JSONRPCMessage);
    expect(priming).toBe('req-p_0-1');
    // Nothing written yet, and still a stream another replica recognises (its answer is coming).
    expect(await one.exists('ev:sess-priming')).toBe(0);
    expect(await b.getStreamIdForEventId(priming)).toBe('req-p');
    expect((await replay(b, priming)).got).toEqual([]);
    const ids = [await a.storeEvent('req-p', note(1)), await a.storeEvent('req-p', note(2))];
    const again = await replay(b, priming);
    expect(again.got.map((g) => g.id)).toEqual(ids);
  });

  it('replays on another replica exactly the events after the one named, in order', async () => {
    const a = new RedisEventStore(one, 'session-1');
    const b = new RedisEventStore(two, 'session-1');
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) ids.push(await a.storeEvent('stream-x', note(n)));
    expect(new Set(ids).size).toBe(5);
    expect(await b.getStreamIdForEventId(ids[1] as string)).toBe('stream-x');
    const { stream, got } = await replay(b, ids[1] as string);
    expect(stream).toBe('stream-x');
    expect(got.map((g) => g.id)).toEqual(ids.slice(2));
    expect(got.map((g) => (g.message as { params: { progress: number } }).params.progress)).toEqual([
      2, 3, 4,
    ]);
    expect((await replay(b, ids[4] as string)).got).toEqual([]);
  });

  it("replays only the named stream's events, past pages of the session's other streams", async () => {
    const a = new RedisEventStore(one, 'session-6');
    const b = new RedisEventStore(two, 'session-6');
    const first = await a.storeEvent('call-1', note(1));
    // More than one XRANGE page (500) of another stream's events in between.
    const others = await Promise.all(
      Array.from({ length: 620 }, (_, n) => b.storeEvent('_GET_stream', note(n))),
    );
    const last = await a.storeEvent('call-1', note(2));
    expect(new Set(others).size).toBe(620);
    expect((await replay(b, first)).got.map((g) => g.id)).toEqual([last]);
    const gets = await replay(a, others[99] as string);
    expect(gets.stream).toBe('_GET_stream');
    expect(gets.got.map((g) => g.id)).toEqual(others.slice(100));
    expect(await one.xlen('ev:session-6')).toBe(622);
  });

  it('trims entries older than ten minutes by Redis’s clock as new ones come', async () => {
    const a = new RedisEventStore(one, 'session-7');
    // 150 ancient entries (ids from 1970), more than one of Redis's stream nodes (100 entries).
    for (let n = 0; n < 150; n++) await one.xadd('ev:session-7', `1000-${n}`, 's', 'old', 'm', '{}');
    const ids = [await a.storeEvent('s', note(1))];
    // The first write knows Redis's time only from its own entry id; the next one trims.
    expect(await one.xlen('ev:session-7')).toBe(151);
    ids.push(await a.storeEvent('s', note(2)));
    // The first node (100 ancient entries) is gone; the rest shares a node with the new entries.
    expect(await one.xlen('ev:session-7')).toBeLessThanOrEqual(52);
    expect((await replay(a, 's_0-1')).got.map((g) => g.id)).toEqual(ids);
  });

  it("another session's store knows nothing of these ids", async () => {
    const a = new RedisEventStore(one, 'session-2');
    const id = await a.storeEvent('_GET_stream', note(1));
    const other = new RedisEventStore(two, 'session-3');
    expect(await other.getStreamIdForEventId(id)).toBeUndefined();
    expect(await other.getStreamIdForEventId('not an id')).toBeUndefined();
    expect((await replay(other, id)).got).toEqual([]);
  });

  it('keeps nothing while muted (a rebuilt session being primed)', async () => {
    const a = new RedisEventStore(one, 'session-4');
    a.mute(true);
    await a.storeEvent('s', note(1));
    a.mute(false);
    expect(await one.exists('ev:session-4')).toBe(0);
    const kept = await a.storeEvent('s', note(2));
    expect(await one.pttl('ev:session-4')).toBeGreaterThan(60_000);
    expect(await a.getStreamIdForEventId(kept)).toBe('s');
  });

  it('with Redis cut, events go to this replica’s memory and are replayed from there', async () => {
    const b = new RedisEventStore(two, 'session-5');
    const first = await b.storeEvent('s', note(1));
    relay.cut();
    try {
      const started = Date.now();
      const during = [await b.storeEvent('s', note(2)), await b.storeEvent('s', note(3))];
      // The first failure (at most a command timeout) sends the rest to memory without asking.
      const third = Date.now();
      const fourth = await b.storeEvent('s', note(4));
      expect(Date.now() - third).toBeLessThan(50);
      expect(third - started).toBeLessThan(1_500);
      expect(during[0]).not.toMatch(/_\d+-\d+$/);
      const { got } = await replay(b, during[0] as string);
      expect(got.map((g) => g.id)).toEqual([during[1], fourth]);
    } finally {
      relay.restore();
    }
    expect(first).toMatch(/^s_\d+-\d+$/);
  });
});
