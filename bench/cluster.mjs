// The bench's cluster rows: remote mode behind the round-robin proxy of `npm run cluster`
// (scripts/round-robin.mjs, run as its own process), in three set-ups measured in the same run:
//
// - embedded: one replica on SQLite and memory (no engine);
// - shared ×1: one replica on PostgreSQL and Redis;
// - shared ×2: two replicas on the same PostgreSQL and Redis, requests alternating between them.
//
// Shared ×1 and ×2 are the same two replica processes (×1 is a proxy over the first only), so they
// differ only in how many replicas serve. The 2025 rows are 2025-era sessions: with Redis, any
// replica serves any session (requests alternate between replicas in ×2, each rebuilding its copy of
// a session once). PostgreSQL and Redis are the local ones (bash .ci/services.sh); the run gets its
// own database and key prefix and drops them afterwards.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CALL, LEGACY, MODERN, mcpThroughput, startRemote } from './http.mjs';
import { cpuMs, KEY_SCOPED, median, waitForLine } from './lib.mjs';

const ADMIN_URL = process.env.G8_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.G8_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PROXY = fileURLToPath(new URL('../scripts/round-robin.mjs', import.meta.url));

/** A fresh database and Redis prefix for this run; `drop()` removes both. */
async function engines() {
  const { default: pg } = await import('pg');
  const { Redis } = await import('ioredis');
  const name = `g8_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = async (sql) => {
    const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
    } catch (error) {
      throw new Error(`PostgreSQL does not answer (${error.message}): run bash .ci/services.sh`);
    }
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const prefix = `${name}:`;
  return {
    env: {
      G8_DATABASE_URL: url.href,
      G8_REDIS_URL: REDIS_URL,
      G8_REDIS_PREFIX: prefix,
    },
    async drop() {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
      try {
        await redis.connect();
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
          cursor = next;
          if (keys.length) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}

/** The round-robin proxy as its own process over `replicas`; its URL carries the product's query. */
async function startProxy(replicas, query) {
  const targets = replicas.flatMap((r) => ['--target', new URL(r.origin).host]);
  const child = spawn(process.execPath, [PROXY, ...targets], {
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const origin = await waitForLine(child, (line) => /listening on (\S+)/.exec(line)?.[1]);
  return {
    url: `${origin}/mcp${query}`,
    pid: child.pid,
    replicas,
    stop: () => child.kill('SIGTERM'),
  };
}

/** One call with each real SDK client through the proxy: the raw load generator speaks as they do. */
async function checkWithSdkClients(url, apiKey) {
  const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
  const v2 = new Client(
    { name: 'g8-bench', version: '1' },
    { versionNegotiation: { mode: { pin: MODERN } } },
  );
  await v2.connect(
    new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { 'x-api-key': apiKey } } }),
  );
  const { Client: V1Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const { StreamableHTTPClientTransport: V1Transport } = await import(
    '@modelcontextprotocol/sdk/client/streamableHttp.js'
  );
  const v1 = new V1Client({ name: 'g8-bench', version: '1' });
  await v1.connect(new V1Transport(new URL(url), { requestInit: { headers: { 'x-api-key': apiKey } } }));
  try {
    for (const [era, client] of [
      [MODERN, v2],
      [LEGACY, v1],
    ]) {
      const result = await client.callTool(CALL);
      if (result.isError || result.structuredContent?.items?.length !== 1)
        throw new Error(`cluster bench: the ${era} SDK client's call through ${url} failed`);
    }
  } finally {
    await v2.close();
    await v1.close();
  }
}

/**
 * Measures tools/call through each set-up, `rounds` times; in each round every era's three slices
 * run back to back in a rotated order, so load from elsewhere lands on all of them alike. Ratios are
 * taken per round, then the median. `slice(url, era, pids)` measures one.
 */
export async function benchCluster(backend, { rounds, load, query, direct, log }) {
  const shared = await engines();
  const started = [];
  const proxies = {};
  try {
    const embedded = await startRemote(backend.url);
    started.push(embedded);
    const secret = { G8_MCP_SECRET: 'bench-secret-bench-secret-bench-secret-0001' };
    const one = await startRemote(backend.url, { env: { ...shared.env, ...secret } });
    started.push(one);
    const two = await startRemote(backend.url, { env: { ...shared.env, ...secret } });
    started.push(two);
    proxies.embedded = await startProxy([embedded], query);
    proxies.shared1 = await startProxy([one], query);
    proxies.shared2 = await startProxy([one, two], query);
    for (const p of Object.values(proxies)) await checkWithSdkClients(p.url, KEY_SCOPED);
    const plan = {
      [MODERN]: ['embedded', 'shared1', 'shared2'],
      [LEGACY]: ['embedded', 'shared1', 'shared2'],
    };
    const slice = async (name, era, warmupMs = load.warmupMs) => {
      const p = proxies[name];
      const before = p.replicas.map((r) => cpuMs(r.pid));
      const result = await mcpThroughput(p.url, {
        ...load,
        warmupMs,
        era,
        apiKey: KEY_SCOPED,
        stateless: false,
      });
      const spent = p.replicas.reduce((sum, r, i) => sum + cpuMs(r.pid) - before[i], 0);
      result.cpuMsPerCall = Math.round((spent / result.completed) * 1000) / 1000;
      return result;
    };
    log('cluster: warming up every set-up in both eras (untimed)');
    for (const era of [MODERN, LEGACY]) {
      for (const name of plan[era]) await slice(name, era, 2000);
      // The second replica serves only the ×2 set-up, the first both: without more warm-up it is
      // measured with a colder JIT (measured: 2.1 → 1.4 → 0.9 ms CPU per call over its first ~10 s).
      await slice('shared2', era, 8000);
    }
    const raw = [];
    for (let r = 0; r < rounds; r++) {
      log(`cluster round ${r + 1}/${rounds}`);
      const row = { direct: await direct(), [MODERN]: {}, [LEGACY]: {} };
      for (const era of [MODERN, LEGACY]) {
        const names = plan[era];
        for (let j = 0; j < names.length; j++) {
          const name = names[(r + j) % names.length];
          row[era][name] = await slice(name, era);
        }
      }
      raw.push(row);
    }
    return summarize(raw, load);
  } finally {
    for (const p of Object.values(proxies)) p.stop();
    await Promise.all(started.map((s) => s.stop()));
    await shared.drop();
  }
}

const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;

/** One set-up's medians over the rounds; added p50 is taken within a round (next to its direct REST). */
function figure(raw, era, name) {
  const of = (get) => median(raw.map((r) => get(r[era][name], r)));
  return {
    perSecond: of((f) => f.perSecond),
    p50Ms: of((f) => f.p50Ms),
    p99Ms: of((f) => f.p99Ms),
    addedP50Ms: round(
      of((f, r) => f.p50Ms - r.direct.p50Ms),
      2,
    ),
    cpuMsPerCall: of((f) => f.cpuMsPerCall),
  };
}

/** `over` / `under` throughput per round. */
const ratios = (raw, era, over, under) =>
  raw.map((r) => round(r[era][over].perSecond / r[era][under].perSecond, 3));

function summarize(raw, load) {
  const out = { ...load, rounds: raw.length, sessions2025: true, raw };
  for (const era of [MODERN, LEGACY]) {
    const sharedRatios = ratios(raw, era, 'shared1', 'embedded');
    const scaleRatios = ratios(raw, era, 'shared2', 'shared1');
    out[era] = {
      embedded: figure(raw, era, 'embedded'),
      shared1: figure(raw, era, 'shared1'),
      shared2: figure(raw, era, 'shared2'),
      /** Shared ×1 over embedded: the shared state may cost at most 25%. */
      sharedRatio: median(sharedRatios),
      sharedRatios,
      /** Shared ×2 over shared ×1. */
      scaleRatio: median(scaleRatios),
      scaleRatios,
    };
  }
  return out;
}
