// `npm run bench`: the figures of the SDK v2 design beside bare SDK v2 references measured in the
// same run, against a fast local backend (bench/backend.mjs, port 0); printed as a table with
// PASS/FAIL per target row and written to bench/results.json.
//
//   node bench/run.mjs [--repeat N] [--duration-ms N] [--warmup-ms N] [--runs N] [--sessions N]
//                      [--only stdio,size,http,memory,cluster] [--out FILE]
//
// - HTTP, 2026-07-28: tools/call (g8_search_contacts, limit 1) over remote mode — API-key auth with
//   a scoped key (the scope filter hides tools), URL tool selection — against bench/reference-sdk2.mjs
//   (a one-tool low-level Server per request under createMcpHandler + toNodeHandler), and direct REST.
// - HTTP, 2025 sessions: the same call in sessions, against the reference's sessionful transport.
// - stdio cold start of dist/bundle/main.js in both eras against bench/floor.mjs (canned answers).
// - Idle RSS: stdio and remote mode against bare SDK v2 reference processes; RSS per idle session.
// - tools/list size in tokens (characters / 4).
// - Cluster (bench/cluster.mjs): tools/call through the round-robin proxy of `npm run cluster`, both
//   eras: one embedded replica, one replica on PostgreSQL and Redis, two replicas on them.
//
// A run with --only keeps the other sections of the results file as they were (each with its date).
//
// G8_PACE=off: the client-side pacer (50 requests/s per key by default) would otherwise measure
// itself. Loopback only; every loop has a deadline. HTTP rounds alternate which server goes first.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { benchCluster } from './cluster.mjs';
import {
  directThroughput,
  LEGACY,
  MODERN,
  mcpThroughput,
  openSessions,
  startReference,
  startRemote,
} from './http.mjs';
import {
  BIN,
  coldStart,
  cpuMs,
  FLOOR,
  KEY_SCOPED,
  loadAverage,
  median,
  percentile,
  REFERENCE_STDIO,
  ROOT,
  rssBytes,
  StdioClient,
  sleep,
  startBackend,
  stdioEnv,
} from './lib.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
};
const REPEAT = Number(opt('repeat', 5));
const DURATION_MS = Number(opt('duration-ms', 3000));
const COLD_RUNS = Number(opt('runs', 9));
const SESSIONS = Number(opt('sessions', 500));
const WARMUP_MS = Number(opt('warmup-ms', 1000));
const CONCURRENCY = 32;
const SECTIONS = ['stdio', 'size', 'http', 'memory', 'cluster'];
const ONLY = new Set(String(opt('only', SECTIONS.join(','))).split(','));
const OUT = opt('out', new URL('./results.json', import.meta.url).pathname);
/** The product's URL in the HTTP figures: tool selection by URL (two toolsets of the gtm mode). */
const PRODUCT_QUERY = '?mode=gtm&toolsets=contacts,companies';

const TARGETS = {
  /** Product calls/s ≥ this × the reference's, in both eras. */
  throughputRatio: 0.9,
  /** Product added p50 (vs direct REST, 32 concurrent) ≤ this × the reference's, 2026. */
  addedP50Ratio: 1.2,
  /** Each stdio cold-start figure ≤ this × the floor's. */
  coldStartRatio: 2.5,
  /** Idle RSS ≤ the reference process's + this. */
  idleRssOverReferenceMb: 15,
  perSessionKb: 40,
  tokens: { all: 9500, dev: 8500, gtm: 8000, discoveryDefault: 4000 },
  /** One replica on PostgreSQL + Redis carries ≥ this × one embedded replica (shared state ≤ 25%). */
  sharedStateRatio: 0.75,
  /** Two replicas on the same engines carry ≥ this × one (they share the machine's cores). */
  twoReplicaRatio: 0.9,
};

const round = (x, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
const mb = (bytes) => round(bytes / 1024 / 1024, 1);
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);
const loads = {};
const section = (name) => {
  loads[name] = loadAverage();
  log(`${name} (load ${loads[name].join(' ')})`);
};

// ---------------------------------------------------------------------------------------------
// stdio

async function benchColdStart(backend) {
  const env = { PATH: process.env.PATH ?? '', BACKEND: backend.url };
  const targets = {
    floor: [FLOOR, env],
    product: [BIN, stdioEnv(backend.url)],
    // The same bin with tracing turned on (an endpoint nobody listens on: spans are exported in the
    // background, so only loading OpenTelemetry shows): what the default start-up does not pay.
    tracing: [BIN, { ...stdioEnv(backend.url), OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }],
    reference: [REFERENCE_STDIO, env],
  };
  const variants = [];
  for (const name of Object.keys(targets)) for (const era of [LEGACY, MODERN]) variants.push([name, era]);
  const samples = Object.fromEntries(variants.map(([n, e]) => [`${n} ${e}`, []]));
  // Interleaved, each run in a rotated order, so a burst of load hits every variant alike.
  for (let i = 0; i < COLD_RUNS; i++) {
    for (let j = 0; j < variants.length; j++) {
      const [name, era] = variants[(i + j) % variants.length];
      const [script, e] = targets[name];
      samples[`${name} ${era}`].push(
        await coldStart(process.execPath, [script], e, { modern: era === MODERN }),
      );
    }
  }
  const out = { runs: COLD_RUNS };
  for (const [name, era] of variants) {
    const s = samples[`${name} ${era}`];
    out[name] ??= {};
    out[name][era] = {
      firstMs: round(median(s.map((x) => x.firstMs)), 1),
      toolsListMs: round(median(s.map((x) => x.toolsListMs)), 1),
    };
  }
  out.ratio = {};
  for (const era of [LEGACY, MODERN]) {
    out.ratio[era] = {
      first: round(out.product[era].firstMs / out.floor[era].firstMs, 2),
      toolsList: round(out.product[era].toolsListMs / out.floor[era].toolsListMs, 2),
    };
  }
  return out;
}

/** RSS of stdio servers after the handshake + tools/list and 1.5 s idle: product vs bare serveStdio. */
async function benchStdioMemory(backend) {
  const runs = 3;
  const samples = {};
  for (let i = 0; i < runs; i++) {
    for (const era of [LEGACY, MODERN]) {
      const clients = {
        product: new StdioClient(process.execPath, [BIN], stdioEnv(backend.url)),
        reference: new StdioClient(process.execPath, [REFERENCE_STDIO], {
          PATH: process.env.PATH ?? '',
          BACKEND: backend.url,
        }),
      };
      try {
        for (const c of Object.values(clients)) await c.handshake(era === MODERN);
        await sleep(1500);
        for (const [name, c] of Object.entries(clients)) {
          samples[`${name} ${era}`] ??= [];
          samples[`${name} ${era}`].push(rssBytes(c.pid));
        }
      } finally {
        await Promise.all(Object.values(clients).map((c) => c.close()));
      }
    }
  }
  const out = { runs };
  for (const [key, values] of Object.entries(samples)) {
    const [name, era] = key.split(' ');
    out[name] ??= {};
    out[name][era] = mb(median(values));
  }
  return out;
}

/** Sequential tools/call latency over stdio (context: no target). */
async function benchStdioCalls(backend) {
  const calls = 300;
  const out = { calls };
  for (const era of [LEGACY, MODERN]) {
    const modern = era === MODERN;
    const client = new StdioClient(process.execPath, [BIN], stdioEnv(backend.url));
    try {
      await client.handshake(modern);
      const latencies = [];
      for (let i = 0; i < calls; i++) {
        const t = performance.now();
        const { result } = await client.request(
          'tools/call',
          { name: 'g8_search_contacts', arguments: { limit: 1 } },
          { modern },
        );
        latencies.push(performance.now() - t);
        if (i === 0 && result.structuredContent?.items?.length !== 1)
          throw new Error(`stdio call (${era}): not a one-row page`);
      }
      out[era] = { p50Ms: round(percentile(latencies, 50), 2), p99Ms: round(percentile(latencies, 99), 2) };
    } finally {
      await client.close();
    }
  }
  return out;
}

async function benchSizes(backend) {
  const variants = {
    all: { G8_MCP_MODE: 'all', G8_DISCOVERY: 'off' },
    dev: { G8_MCP_MODE: 'dev', G8_DISCOVERY: 'off' },
    gtm: { G8_MCP_MODE: 'gtm', G8_DISCOVERY: 'off' },
    discoveryDefault: {},
  };
  const out = {};
  for (const [name, env] of Object.entries(variants)) {
    const client = new StdioClient(process.execPath, [BIN], stdioEnv(backend.url, env));
    try {
      const { list } = await client.handshake(false);
      const text = JSON.stringify(list.result);
      out[name] = {
        tools: list.result.tools.length,
        bytes: Buffer.byteLength(text),
        tokens: Math.ceil(text.length / 4),
      };
    } finally {
      await client.close();
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// HTTP

/** One slice: `server` under the load generator in one era, with its CPU per call (warm-up included). */
async function slice(server, era, apiKey, warmupMs = WARMUP_MS) {
  const cpuBefore = cpuMs(server.pid);
  const load = { concurrency: CONCURRENCY, warmupMs, durationMs: DURATION_MS };
  const result = await mcpThroughput(server.url, { ...load, era, apiKey });
  result.cpuMsPerCall = round((cpuMs(server.pid) - cpuBefore) / result.completed, 3);
  return result;
}

/**
 * The servers are started once and stay up; each round measures, back to back, direct REST and
 * then per era the product and the reference in adjacent slices (their order flips every round),
 * so a burst of load from elsewhere on the machine lands on both sides of a comparison alike.
 * Ratios are taken per round (adjacent slices), then the median over rounds.
 */
async function benchHttp(backend) {
  const product = await startRemote(backend.url, { query: PRODUCT_QUERY });
  const reference = await startReference('./reference-sdk2.mjs', backend.url);
  const proxy = await startReference('./reference-proxy.mjs', backend.url);
  const servers = { product, reference };
  const keys = { product: KEY_SCOPED, reference: undefined };
  try {
    log('http: warming up every server in both eras (untimed)');
    for (const era of [MODERN, LEGACY]) {
      for (const name of ['product', 'reference']) await slice(servers[name], era, keys[name], 2000);
    }
    await slice(proxy, MODERN, undefined, 2000);
    const rounds = [];
    for (let r = 0; r < REPEAT; r++) {
      log(`http round ${r + 1}/${REPEAT}`);
      const load = { concurrency: CONCURRENCY, warmupMs: WARMUP_MS, durationMs: DURATION_MS };
      const row = { direct: await directThroughput(backend.url, load), product: {}, reference: {} };
      for (const era of [MODERN, LEGACY]) {
        for (const name of r % 2 === 0 ? ['reference', 'product'] : ['product', 'reference']) {
          const before = name === 'product' ? await backend.counts() : undefined;
          row[name][era] = await slice(servers[name], era, keys[name]);
          if (before) {
            const after = await backend.counts();
            // REST calls the backend saw per tool call (GET /me included): 1 is the floor.
            row[name][era].backendCallsPerToolCall = round(
              (after.me + after.contacts - before.me - before.contacts) / (after.contacts - before.contacts),
              3,
            );
          }
        }
      }
      row.proxy = await slice(proxy, MODERN);
      rounds.push(row);
    }
    return summarizeHttp(rounds);
  } finally {
    await Promise.all([product.stop(), reference.stop(), proxy.stop()]);
  }
}

function summarizeHttp(rounds) {
  const pick = (get) => median(rounds.map(get));
  const fig = (get) => ({
    perSecond: pick((r) => get(r).perSecond),
    p50Ms: pick((r) => get(r).p50Ms),
    p99Ms: pick((r) => get(r).p99Ms),
    // Added latency is taken within a round (next to its own direct REST run).
    addedP50Ms: round(
      pick((r) => get(r).p50Ms - r.direct.p50Ms),
      2,
    ),
    ...(get(rounds[0]).cpuMsPerCall !== undefined ? { cpuMsPerCall: pick((r) => get(r).cpuMsPerCall) } : {}),
  });
  const out = {
    concurrency: CONCURRENCY,
    durationMs: DURATION_MS,
    warmupMs: WARMUP_MS,
    rounds: rounds.length,
    productUrl: `/mcp${PRODUCT_QUERY}`,
    direct: fig((r) => r.direct),
    proxy: fig((r) => r.proxy),
  };
  for (const era of [MODERN, LEGACY]) {
    const ratios = rounds.map((r) => round(r.product[era].perSecond / r.reference[era].perSecond, 3));
    out[era] = {
      product: {
        ...fig((r) => r.product[era]),
        backendCallsPerToolCall: pick((r) => r.product[era].backendCallsPerToolCall),
      },
      reference: fig((r) => r.reference[era]),
      throughputRatio: median(ratios),
      throughputRatios: ratios,
    };
    out[era].addedP50Ratio = round(out[era].product.addedP50Ms / out[era].reference.addedP50Ms, 2);
  }
  out.raw = rounds;
  return out;
}

// ---------------------------------------------------------------------------------------------
// memory

/** Idle RSS right after start (1.5 s, no request served): remote mode vs the reference HTTP server. */
async function benchRemoteIdle(backend) {
  const runs = 3;
  const samples = { product: [], reference: [] };
  for (let i = 0; i < runs; i++) {
    for (const name of i % 2 === 0 ? ['reference', 'product'] : ['product', 'reference']) {
      const server =
        name === 'product'
          ? await startRemote(backend.url, { query: PRODUCT_QUERY })
          : await startReference('./reference-sdk2.mjs', backend.url);
      try {
        await sleep(1500);
        samples[name].push(rssBytes(server.pid));
      } finally {
        await server.stop();
      }
    }
  }
  return { runs, productMb: mb(median(samples.product)), referenceMb: mb(median(samples.reference)) };
}

/**
 * RSS and JS heap per idle 2025 session after a full GC. The first couple of hundred sessions
 * grow the process by a one-off 30–50 MB (V8's heap spaces sized up under load, allocator arenas,
 * JIT) that does not recur with more sessions: WARM_SESSIONS are opened first and that step is
 * reported on its own; the figure is what the next SESSIONS add, divided by SESSIONS. Each session
 * is opened the way a client does (initialize, initialized, tools/list, one call) and left idle.
 */
const WARM_SESSIONS = 250;

async function perSession(server, apiKey) {
  await server.gc();
  const rssStart = rssBytes(server.pid);
  await openSessions(server.url, { sessions: WARM_SESSIONS, concurrency: CONCURRENCY, apiKey });
  await server.gc();
  const before = await server.gc();
  const rssBefore = rssBytes(server.pid);
  await openSessions(server.url, { sessions: SESSIONS, concurrency: CONCURRENCY, apiKey });
  await server.gc();
  const after = await server.gc();
  const rssAfter = rssBytes(server.pid);
  return {
    warmSessions: WARM_SESSIONS,
    sessions: SESSIONS,
    rssKb: round((rssAfter - rssBefore) / SESSIONS / 1024, 1),
    heapKb: before && after ? round((after.heapUsed - before.heapUsed) / SESSIONS / 1024, 1) : null,
    rssStartMb: mb(rssStart),
    rssAfterWarmMb: mb(rssBefore),
    rssAfterMb: mb(rssAfter),
    /** Including the warm-up sessions and their one-off growth: an upper bound. */
    rssKbIncludingWarmup: round((rssAfter - rssStart) / (SESSIONS + WARM_SESSIONS) / 1024, 1),
  };
}

async function benchSessions(backend) {
  const product = await startRemote(backend.url, { query: PRODUCT_QUERY });
  let productFigures;
  try {
    productFigures = await perSession(product, KEY_SCOPED);
  } finally {
    await product.stop();
  }
  const reference = await startReference('./reference-sdk2.mjs', backend.url);
  try {
    return { product: productFigures, reference: await perSession(reference) };
  } finally {
    await reference.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// the table

const verdict = (ok) => (ok === undefined ? '' : ok ? 'PASS' : 'FAIL');

function table(res) {
  const rows = [];
  const add = (figure, product, reference = '', target = '', ok = undefined) =>
    rows.push([figure, product, reference, target, verdict(ok)]);
  const T = TARGETS;
  const h = res.http;
  if (h) {
    const m = h[MODERN];
    const l = h[LEGACY];
    add(
      'HTTP 2026 tools/call throughput (32 conc.)',
      `${m.product.perSecond}/s (${m.throughputRatio}×)`,
      `${m.reference.perSecond}/s`,
      `≥ ${T.throughputRatio}× ref`,
      m.throughputRatio >= T.throughputRatio,
    );
    add('  ratio per round', m.throughputRatios.join(', '));
    add('  server CPU per call', `${m.product.cpuMsPerCall} ms`, `${m.reference.cpuMsPerCall} ms`);
    add(
      '  latency p50 / p99',
      `${m.product.p50Ms} / ${m.product.p99Ms} ms`,
      `${m.reference.p50Ms} / ${m.reference.p99Ms} ms`,
    );
    add(
      '  added p50 vs direct REST',
      `+${m.product.addedP50Ms} ms (${m.addedP50Ratio}×)`,
      `+${m.reference.addedP50Ms} ms`,
      `≤ ${T.addedP50Ratio}× ref`,
      m.addedP50Ratio <= T.addedP50Ratio,
    );
    add('  REST calls per tool call (GET /me incl.)', `${m.product.backendCallsPerToolCall}`, '1');
    add(
      'HTTP 2025 sessions tools/call throughput',
      `${l.product.perSecond}/s (${l.throughputRatio}×)`,
      `${l.reference.perSecond}/s`,
      `≥ ${T.throughputRatio}× ref`,
      l.throughputRatio >= T.throughputRatio,
    );
    add('  ratio per round', l.throughputRatios.join(', '));
    add('  server CPU per call', `${l.product.cpuMsPerCall} ms`, `${l.reference.cpuMsPerCall} ms`);
    add(
      '  latency p50 / p99; added p50',
      `${l.product.p50Ms} / ${l.product.p99Ms} ms; +${l.product.addedP50Ms}`,
      `${l.reference.p50Ms} / ${l.reference.p99Ms} ms; +${l.reference.addedP50Ms}`,
    );
    add(
      'context: direct REST (undici → backend)',
      `${h.direct.perSecond}/s, p50 ${h.direct.p50Ms} ms, p99 ${h.direct.p99Ms} ms`,
    );
    add(
      'context: minimal JSON-RPC→REST proxy, 2026',
      `${h.proxy.perSecond}/s, p50 ${h.proxy.p50Ms} ms (+${h.proxy.addedP50Ms}), ${h.proxy.cpuMsPerCall} ms CPU`,
    );
  }
  const k = res.cluster;
  if (k) {
    const fig = (f) => `${f.perSecond}/s, +${f.addedP50Ms} ms p50, ${f.cpuMsPerCall} ms CPU`;
    for (const era of [MODERN, LEGACY]) {
      const e = k[era];
      const short = era === LEGACY ? '2025 sessions' : '2026';
      add(
        `cluster ${short}: 1 replica on PostgreSQL+Redis, via proxy`,
        `${fig(e.shared1)} (${e.sharedRatio}×)`,
        `embedded 1 replica ${fig(e.embedded)}`,
        `≥ ${T.sharedStateRatio}× embedded`,
        e.sharedRatio >= T.sharedStateRatio,
      );
      add('  ratio per round', e.sharedRatios.join(', '));
      add(
        `cluster ${short}: 2 replicas on PostgreSQL+Redis, via proxy`,
        `${fig(e.shared2)} (${e.scaleRatio}×)`,
        `1 replica ${e.shared1.perSecond}/s`,
        `≥ ${T.twoReplicaRatio}× 1 replica`,
        e.scaleRatio >= T.twoReplicaRatio,
      );
      add('  ratio per round', e.scaleRatios.join(', '));
    }
  }
  const c = res.coldStart;
  if (c) {
    for (const [era, firstName] of [
      [LEGACY, 'initialize'],
      [MODERN, 'server/discover'],
    ]) {
      const short = era === LEGACY ? '2025' : '2026';
      const p = c.product[era];
      const f = c.floor[era];
      add(
        `stdio cold start ${short}: → ${firstName}`,
        `${p.firstMs} ms (${c.ratio[era].first}×)`,
        `floor ${f.firstMs} ms`,
        `≤ ${T.coldStartRatio}× floor`,
        c.ratio[era].first <= T.coldStartRatio,
      );
      add(
        `stdio cold start ${short}: → tools/list`,
        `${p.toolsListMs} ms (${c.ratio[era].toolsList}×)`,
        `floor ${f.toolsListMs} ms`,
        `≤ ${T.coldStartRatio}× floor`,
        c.ratio[era].toolsList <= T.coldStartRatio,
      );
    }
    add(
      'context: stdio cold start with tracing on (OTEL_EXPORTER_OTLP_ENDPOINT)',
      `2025 ${c.tracing[LEGACY].firstMs} ms (+${round(c.tracing[LEGACY].firstMs - c.product[LEGACY].firstMs, 1)})`,
      `2026 ${c.tracing[MODERN].firstMs} ms (+${round(c.tracing[MODERN].firstMs - c.product[MODERN].firstMs, 1)}); default: not loaded`,
    );
    add(
      'context: bare serveStdio cold start',
      `2025 ${c.reference[LEGACY].firstMs} / ${c.reference[LEGACY].toolsListMs} ms`,
      `2026 ${c.reference[MODERN].firstMs} / ${c.reference[MODERN].toolsListMs} ms`,
    );
  }
  const sm = res.stdioMemory;
  if (sm) {
    for (const era of [LEGACY, MODERN]) {
      add(
        `stdio idle RSS after tools/list, ${era === LEGACY ? '2025' : '2026'}`,
        `${sm.product[era]} MB`,
        `${sm.reference[era]} MB`,
        `≤ ref + ${T.idleRssOverReferenceMb} MB`,
        sm.product[era] <= sm.reference[era] + T.idleRssOverReferenceMb,
      );
    }
  }
  const ri = res.remoteIdle;
  if (ri) {
    add(
      'remote mode idle RSS after start',
      `${ri.productMb} MB`,
      `${ri.referenceMb} MB`,
      `≤ ref + ${T.idleRssOverReferenceMb} MB`,
      ri.productMb <= ri.referenceMb + T.idleRssOverReferenceMb,
    );
  }
  const ps = res.sessions;
  if (ps) {
    add(
      `per idle 2025 session (+${ps.product.sessions}, after GC)`,
      `${ps.product.rssKb} KB RSS, ${ps.product.heapKb} KB heap`,
      `${ps.reference.rssKb} KB RSS, ${ps.reference.heapKb} KB heap`,
      `both ≤ ${T.perSessionKb} KB`,
      // RSS moves in steps (pages reserved during the warm-up get filled later), so it can read
      // below the heap it holds: the verdict takes the larger of the two.
      Math.max(ps.product.rssKb, ps.product.heapKb ?? 0) <= T.perSessionKb,
    );
    add(
      `  RSS: start → ${ps.product.warmSessions} warm-up → +${ps.product.sessions}`,
      `${ps.product.rssStartMb} → ${ps.product.rssAfterWarmMb} → ${ps.product.rssAfterMb} MB`,
      `${ps.reference.rssStartMb} → ${ps.reference.rssAfterWarmMb} → ${ps.reference.rssAfterMb} MB`,
    );
    add(
      '  per session incl. warm-up (upper bound)',
      `${ps.product.rssKbIncludingWarmup} KB`,
      `${ps.reference.rssKbIncludingWarmup} KB`,
    );
  }
  const sc = res.stdioCalls;
  if (sc) {
    add(
      `context: stdio tools/call, ${sc.calls} sequential`,
      `2025 p50 ${sc[LEGACY].p50Ms} / p99 ${sc[LEGACY].p99Ms} ms`,
      `2026 p50 ${sc[MODERN].p50Ms} / p99 ${sc[MODERN].p99Ms} ms`,
    );
  }
  const z = res.sizes;
  if (z) {
    for (const [name, label] of [
      ['all', 'tools/list all, discovery off'],
      ['dev', 'tools/list dev, discovery off'],
      ['gtm', 'tools/list gtm, discovery off'],
      ['discoveryDefault', 'tools/list default (all, discovery)'],
    ]) {
      const t = z[name];
      add(
        label,
        `≈${t.tokens} tokens (${t.tools} tools)`,
        '',
        `≤ ${T.tokens[name]}`,
        t.tokens <= T.tokens[name],
      );
    }
  }
  const head = ['figure', 'product', 'reference', 'target', ''];
  const widths = head.map((_, i) => Math.max(...[head, ...rows].map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((cell, i) => String(cell).padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------

const SECTION_KEYS = {
  stdio: ['coldStart', 'stdioMemory', 'stdioCalls'],
  size: ['sizes'],
  http: ['http'],
  memory: ['remoteIdle', 'sessions'],
  cluster: ['cluster'],
};

/**
 * A run of some sections only (--only) keeps the others' figures from the results file, each
 * section stamped with the date and machine of the run that measured it.
 */
function merged(results) {
  const measured = {};
  for (const name of SECTIONS)
    if (ONLY.has(name)) measured[name] = { date: results.date, machine: results.machine };
  if (SECTIONS.every((name) => ONLY.has(name)) || !existsSync(OUT)) return { ...results, sections: measured };
  const previous = JSON.parse(readFileSync(OUT, 'utf8'));
  const out = { ...previous, sections: { ...previous.sections } };
  for (const name of SECTIONS) {
    if (!ONLY.has(name)) {
      out.sections[name] ??= { date: previous.date, machine: previous.machine };
      continue;
    }
    for (const key of SECTION_KEYS[name]) out[key] = results[key];
    out.sections[name] = measured[name];
  }
  out.targets = results.targets;
  return out;
}

async function main() {
  const started = Date.now();
  const results = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGb: round(totalmem() / 1024 ** 3, 1),
      node: process.version,
      loadAverageBefore: loadAverage(),
    },
    settings: {
      concurrency: CONCURRENCY,
      durationMs: DURATION_MS,
      warmupMs: WARMUP_MS,
      httpRounds: REPEAT,
      coldStartRuns: COLD_RUNS,
      sessions: SESSIONS,
      productUrl: `/mcp${PRODUCT_QUERY}`,
      pace: 'off',
    },
    targets: TARGETS,
  };
  const backend = await startBackend();
  try {
    if (ONLY.has('stdio')) {
      section(`stdio cold start (${COLD_RUNS} runs × floor, product, reference × 2 eras, interleaved)`);
      results.coldStart = await benchColdStart(backend);
      section('stdio idle RSS (3 runs)');
      results.stdioMemory = await benchStdioMemory(backend);
      section('stdio sequential calls');
      results.stdioCalls = await benchStdioCalls(backend);
    }
    if (ONLY.has('size')) {
      section('tools/list sizes');
      results.sizes = await benchSizes(backend);
    }
    if (ONLY.has('http')) {
      section('http');
      results.http = await benchHttp(backend);
    }
    if (ONLY.has('cluster')) {
      section('cluster (round-robin proxy: embedded, PostgreSQL+Redis ×1, ×2)');
      const load = { concurrency: CONCURRENCY, warmupMs: WARMUP_MS, durationMs: DURATION_MS };
      results.cluster = await benchCluster(backend, {
        rounds: REPEAT,
        load,
        query: PRODUCT_QUERY,
        direct: () => directThroughput(backend.url, load),
        log,
      });
    }
    if (ONLY.has('memory')) {
      section('remote idle RSS (3 runs)');
      results.remoteIdle = await benchRemoteIdle(backend);
      section(`RSS per idle 2025 session (${WARM_SESSIONS} warm-up + ${SESSIONS})`);
      results.sessions = await benchSessions(backend);
    }
  } finally {
    backend.stop();
  }
  results.machine.loadAverageAfter = loadAverage();
  results.machine.loadAverageBySection = loads;
  results.seconds = round((Date.now() - started) / 1000);
  writeFileSync(OUT, `${JSON.stringify(merged(results), null, 2)}\n`);
  const m = results.machine;
  process.stdout.write(
    `\ng8-mcp-server bench — ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}\n` +
      `load average before ${m.loadAverageBefore.join(' ')}, after ${m.loadAverageAfter.join(' ')}\n` +
      `HTTP: ${REPEAT} rounds of adjacent ${DURATION_MS / 1000} s slices (+${WARMUP_MS / 1000} s warm-up each), ${CONCURRENCY} concurrent, product at /mcp${PRODUCT_QUERY} with a scoped API key; ` +
      `cold start: median of ${COLD_RUNS} interleaved runs\n\n${table(results)}\n\n` +
      `written to ${OUT.replace(ROOT, '')} (${results.seconds} s)\n`,
  );
}

await main();
