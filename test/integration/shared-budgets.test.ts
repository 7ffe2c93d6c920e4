/**
 * Budgets and single use shared by replicas on the real Redis (a fresh key prefix per run): each
 * test builds two instances on two connections, as two replicas would have, and shows that what
 * one spends the other cannot spend again. And when Redis cannot answer: budgets fall back to the
 * replica's own (logged once), a confirmation state is refused.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallToolResult } from '@modelcontextprotocol/server';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pacer, type Pacing } from '../../src/api/pacer.js';
import type { Admission } from '../../src/ops/limits.js';
import { Fallbacks, openRedis } from '../../src/stores/redis.js';
import { SharedCallLimits } from '../../src/stores/redis-call-limits.js';
import { RedisFailureThrottle } from '../../src/stores/redis-limits.js';
import { SharedPacer } from '../../src/stores/redis-pacer.js';
import { usedStatesInRedis } from '../../src/stores/redis-used-states.js';
import { type Engines, freshEngines } from '../helpers/engines.js';

let engines: Engines;
const clients: Redis[] = [];
const warnings: string[] = [];
const logger = { warn: (_o: object, msg: string) => warnings.push(msg), info: () => {} };

/** A replica's connection to the run's Redis. */
async function replica(): Promise<{ redis: Redis; fallbacks: Fallbacks }> {
  const redis = await openRedis({ url: engines.redisUrl, prefix: engines.redisPrefix, logger });
  clients.push(redis);
  return { redis, fallbacks: new Fallbacks(logger, redis) };
}

beforeAll(async () => {
  engines = await freshEngines();
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await engines?.drop();
});

/** A backend that notes when each request arrives and answers after `workMs`. */
async function arrivals(workMs: number): Promise<{ url: string; times: number[]; close(): Promise<void> }> {
  const times: number[] = [];
  const server: Server = createServer((_req, res) => {
    times.push(Date.now());
    setTimeout(() => res.end('ok'), workMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    times,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The most arrivals within any `windowMs`. */
function busiest(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    let n = 0;
    while (i + n < sorted.length && (sorted[i + n] as number) - (sorted[i] as number) < windowMs) n++;
    most = Math.max(most, n);
  }
  return most;
}

/** `count` requests for one key, alternating between the pacers, all started at once. */
async function burst(pacers: Pacing[], url: string, count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const release = await (pacers[i % pacers.length] as Pacing).take('g8_live_the_same_key_for_both');
      try {
        await (await fetch(url)).text();
      } finally {
        release();
      }
    }),
  );
}

const LIMITS = { perSecond: 5, perMinute: 1000 };

describe('the per-key pacer on Redis', () => {
  it('two replicas, one key, a burst of 3x the limit: the backend never sees more than the limit a second', async () => {
    const backend = await arrivals(30);
    const [a, b] = [await replica(), await replica()];
    const pacers = [a, b].map(
      (r) => new SharedPacer(r.redis, r.fallbacks, { limits: LIMITS, holdMs: 10_000 }),
    );
    await burst(pacers, backend.url, 15);
    expect(backend.times).toHaveLength(15);
    expect(busiest(backend.times, 1000)).toBeLessThanOrEqual(5);
    // 15 requests at 5 a second: the last ones wait two periods.
    expect(Math.max(...backend.times) - Math.min(...backend.times)).toBeGreaterThanOrEqual(2000);
    await backend.close();
  });

  it('(the same burst through two replicas pacing on their own exceeds it: what the shared budget prevents)', async () => {
    const backend = await arrivals(30);
    await burst([new Pacer(LIMITS), new Pacer(LIMITS)], backend.url, 15);
    expect(busiest(backend.times, 1000)).toBeGreaterThan(5);
    await backend.close();
  });

  it('keeps the key out of Redis: only its hash names the budget', async () => {
    const keys = await engines.redis().keys(`${engines.redisPrefix}pace:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join()).not.toContain('g8_live');
  });

  it('falls back to this replica’s own pacing when Redis is gone, and says so once', async () => {
    const backend = await arrivals(10);
    const r = await replica();
    const pacer = new SharedPacer(r.redis, r.fallbacks, { limits: LIMITS, holdMs: 10_000 });
    r.redis.disconnect();
    warnings.length = 0;
    await burst([pacer], backend.url, 8);
    expect(busiest(backend.times, 1000)).toBeLessThanOrEqual(5);
    expect(warnings.filter((w) => w.includes('per-key pacing'))).toHaveLength(1);
    await backend.close();
  });
});

describe('the failed-credential throttle on Redis', () => {
  it('counts failures from every replica against one budget', async () => {
    const [a, b] = [await replica(), await replica()];
    const opts = { limit: 3, windowMs: 60_000 };
    const [ta, tb] = [
      new RedisFailureThrottle(a.redis, a.fallbacks, opts),
      new RedisFailureThrottle(b.redis, b.fallbacks, opts),
    ];
    const buckets = ['ip:203.0.113.7', 'key:g8_live_abcdefgh'];
    await ta.fail(buckets);
    await tb.fail(buckets);
    expect(await ta.retryAfter(buckets)).toBe(0);
    await ta.fail(buckets);
    const wait = await tb.retryAfter(['ip:203.0.113.7']);
    expect(wait).toBeGreaterThan(55);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await tb.retryAfter(['ip:198.51.100.1'])).toBe(0);
  });
});

describe('per-principal call limits on Redis', () => {
  // 30 calls a minute: a burst of 3, then one call every 2 s.
  const settings = { callsPerMinute: 30, maxInflight: 2 };
  const admitted = (answers: Admission[]) => answers.filter((a) => a.ok).length;

  it('two replicas, one principal, 4x the burst at once: the burst is admitted once, not once per replica', async () => {
    const [a, b] = [await replica(), await replica()];
    const limits = [
      new SharedCallLimits(a.redis, a.fallbacks, settings),
      new SharedCallLimits(b.redis, b.fallbacks, settings),
    ];
    const answers = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const answer = await (limits[i % 2] as SharedCallLimits).admit('key:one-principal');
        if (answer.ok) answer.release();
        return answer;
      }),
    );
    expect(admitted(answers)).toBe(3);
    expect(answers.find((x) => !x.ok)).toEqual({ ok: false, reason: 'rate', retryAfterSeconds: 2 });
    // Another principal has its own bucket; the first one's comes back one call per 2 s.
    expect((await (limits[1] as SharedCallLimits).admit('grant:another')).ok).toBe(true);
    await sleep(2100);
    expect((await (limits[1] as SharedCallLimits).admit('key:one-principal')).ok).toBe(true);
    expect((await (limits[0] as SharedCallLimits).admit('key:one-principal')).ok).toBe(false);
  });

  // 6000 a minute: a burst of 600, leases of 32 (a sixteenth of the burst, at most 32), 100 back a second.
  const busy = { callsPerMinute: 6000, maxInflight: 0 };
  const tokensIn = async (redis: Redis, principal: string) =>
    Number(await redis.hget(`calls:${principal}`, 'tokens'));

  it('a busy principal takes a lease of 32 and spends it here: Redis is asked once per 32 calls', async () => {
    const a = await replica();
    const limits = new SharedCallLimits(a.redis, a.fallbacks, busy);
    expect((await limits.admit('key:lease')).ok).toBe(true);
    const first = await a.redis.hget('calls:key:lease', 'tokens');
    expect(Number(first)).toBeGreaterThanOrEqual(600 - 32);
    expect(Number(first)).toBeLessThan(600 - 31);
    for (let i = 0; i < 31; i++) expect((await limits.admit('key:lease')).ok).toBe(true);
    // Spent from the lease: the shared bucket was not touched.
    expect(await a.redis.hget('calls:key:lease', 'tokens')).toBe(first);
    expect((await limits.admit('key:lease')).ok).toBe(true);
    expect(await tokensIn(a.redis, 'key:lease')).toBeLessThan(Number(first) - 31 + 10);
  });

  it('100 calls at once on one replica wait for the lease on its way: at most one lease is left unspent', async () => {
    const a = await replica();
    // Every command this replica sends to Redis, by name.
    const sent: string[] = [];
    const send = a.redis.sendCommand.bind(a.redis);
    a.redis.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
      sent.push(command.name);
      return (send as (...args: unknown[]) => unknown)(command, ...rest);
    }) as typeof a.redis.sendCommand;
    const limits = new SharedCallLimits(a.redis, a.fallbacks, busy);
    const answers = await Promise.all(Array.from({ length: 100 }, () => limits.admit('key:wave')));
    expect(admitted(answers)).toBe(100);
    // About one trip per 32 calls (a call per trip would be 100).
    const trips = sent.filter((name) => name === 'evalsha').length;
    expect(trips).toBeGreaterThanOrEqual(4);
    expect(trips).toBeLessThanOrEqual(8);
    const [seconds, micros] = await a.redis.time();
    const at = Number(await a.redis.hget('calls:key:wave', 'at'));
    const refill = Math.ceil(((Number(seconds) * 1000 + Number(micros) / 1000 - at) * 100) / 1000) + 1;
    // Taken from the shared bucket: the 100 calls and at most one lease's 31 spare (each call
    // leasing its own would have taken about half the bucket).
    const taken = 600 - (await tokensIn(a.redis, 'key:wave'));
    expect(taken).toBeGreaterThanOrEqual(100 - refill);
    expect(taken).toBeLessThanOrEqual(100 + 31);
  });

  it('near the limit (the bucket under half full) tokens go one at a time', async () => {
    const a = await replica();
    const limits = new SharedCallLimits(a.redis, a.fallbacks, busy);
    const [seconds, micros] = await a.redis.time();
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    await a.redis.hset('calls:key:scarce', 'tokens', '310', 'at', String(now));
    await a.redis.pexpire('calls:key:scarce', 60_000);
    expect((await limits.admit('key:scarce')).ok).toBe(true);
    const after = await tokensIn(a.redis, 'key:scarce');
    // One token (plus at most a second's refill), not a lease that would leave it under half.
    expect(after).toBeGreaterThanOrEqual(309);
    expect(after).toBeLessThan(309 + 100);
    expect(after).toBeGreaterThan(300 - 32 + 10);
    expect((await limits.admit('key:scarce')).ok).toBe(true);
    expect(await tokensIn(a.redis, 'key:scarce')).not.toBe(after);
  });

  it('two replicas, 3x the burst at once: never more than the bucket gives out, and at most a lease per replica stranded', async () => {
    const [a, b] = [await replica(), await replica()];
    const limits = [
      new SharedCallLimits(a.redis, a.fallbacks, busy),
      new SharedCallLimits(b.redis, b.fallbacks, busy),
    ];
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 1800 }, (_, i) => (limits[i % 2] as SharedCallLimits).admit('key:burst')),
    );
    const refill = Math.ceil(((Date.now() - started) * 100) / 1000);
    expect(admitted(answers)).toBeLessThanOrEqual(600 + refill);
    expect(admitted(answers)).toBeGreaterThanOrEqual(600 - 2 * 31);
  });

  it('keeps the in-flight cap per replica: each replica admits its own two', async () => {
    const [a, b] = [await replica(), await replica()];
    const wide = { callsPerMinute: 6000, maxInflight: 2 };
    const [la, lb] = [
      new SharedCallLimits(a.redis, a.fallbacks, wide),
      new SharedCallLimits(b.redis, b.fallbacks, wide),
    ];
    const held = await Promise.all([la.admit('k'), la.admit('k'), lb.admit('k'), lb.admit('k')]);
    expect(admitted(held)).toBe(4);
    expect(await la.admit('k')).toEqual({ ok: false, reason: 'inflight', retryAfterSeconds: 1 });
    for (const h of held) if (h.ok) h.release();
    expect((await la.admit('k')).ok).toBe(true);
  });

  it('falls back to this replica’s own bucket when Redis is gone, and says so once', async () => {
    const r = await replica();
    const limits = new SharedCallLimits(r.redis, r.fallbacks, settings);
    r.redis.disconnect();
    warnings.length = 0;
    const answers: Admission[] = [];
    for (let i = 0; i < 6; i++) {
      const answer = await limits.admit('key:fallback');
      if (answer.ok) answer.release();
      answers.push(answer);
    }
    expect(admitted(answers)).toBe(3);
    expect(warnings.filter((w) => w.includes('per-principal call limits'))).toHaveLength(1);
  });
});

describe('used confirmation states on Redis', () => {
  const done = (text: string): CallToolResult => ({ content: [{ type: 'text', text }] });
  const full = () => done('full');

  it('a state answered on two replicas at once acts once; both get its outcome, and so does a later replay', async () => {
    const [a, b] = [await replica(), await replica()];
    const [ua, ub] = [usedStatesInRedis(a.redis), usedStatesInRedis(b.redis)];
    let runs = 0;
    const act = async () => {
      runs++;
      await sleep(300);
      return done(`sent #${runs}`);
    };
    const [ra, rb] = await Promise.all([
      ua.once('state-1', 60_000, act, full),
      ub.once('state-1', 60_000, act, full),
    ]);
    expect(runs).toBe(1);
    expect(ra).toEqual(done('sent #1'));
    expect(rb).toEqual(done('sent #1'));
    await sleep(1100);
    expect(await ub.once('state-1', 60_000, act, full)).toEqual(done('sent #1'));
    expect(runs).toBe(1);
  });

  it('when Redis cannot answer, the state is refused and nothing runs', async () => {
    const r = await replica();
    const used = usedStatesInRedis(r.redis);
    r.redis.disconnect();
    let runs = 0;
    const result = await used.once('state-2', 60_000, async () => done(`ran ${++runs}`), full);
    expect(runs).toBe(0);
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/could not be checked.*nothing was done/);
  });
});
