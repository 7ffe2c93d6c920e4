// `npm run bench`: the figures users feel — stdio cold start, tools/list size, stdio call latency,
// HTTP throughput and latency against direct REST, memory — measured against a fast local
// backend (bench/backend.mjs, port 0), printed as a table and written to bench/results.json.
//
//   node bench/run.mjs [--repeat N] [--duration-ms N] [--only stdio,size,http,memory] [--out FILE]
//
// Throughput runs use G8_PACE=off: the client-side pacer (50 requests/s per key by default) would
// otherwise measure itself. Everything talks to loopback only and every loop has a deadline.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { directThroughput, mcpThroughput, openSessions, startReference, startRemote } from './http.mjs';
import {
  BIN,
  coldStart,
  cpuMs,
  DIST_MAIN,
  FLOOR,
  loadAverage,
  median,
  percentile,
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
const REPEAT = Number(opt('repeat', 3));
const DURATION_MS = Number(opt('duration-ms', 5000));
const WARMUP_MS = 1500;
const CONCURRENCY = 32;
const ONLY = new Set(String(opt('only', 'stdio,size,http,memory')).split(','));
const OUT = opt('out', new URL('./results.json', import.meta.url).pathname);

const TARGETS = {
  httpRatio: 0.3,
  addedP50Ms: 2.5,
  coldStartRatio: 1.5,
  tokens: { all: 9000, dev: 8000, gtm: 7500, discoveryDefault: 4000 },
  idleRssMb: 60,
  perSessionKb: 40,
};

const round = (x, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
const mb = (bytes) => round(bytes / 1024 / 1024, 1);
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);

// ---------------------------------------------------------------------------------------------

async function benchColdStart(backend) {
  const runs = 7;
  const targets = {
    floor: [process.execPath, [FLOOR], {}],
    bundle: [process.execPath, [BIN], stdioEnv(backend.url)],
    dist: [process.execPath, [DIST_MAIN], stdioEnv(backend.url)],
    // G8_HTTP_STATELESS is a remote-mode setting the fast front leaves to config.ts: with it set,
    // stdio starts the way it did before the fast front (config, SDK, zod, tools, then serve).
    fullStart: [process.execPath, [BIN], stdioEnv(backend.url, { G8_HTTP_STATELESS: 'false' })],
  };
  const samples = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  // Interleaved, so a burst of load on the machine hits every variant alike.
  for (let i = 0; i < runs; i++) {
    for (const [name, [cmd, a, env]] of Object.entries(targets)) {
      const firstCall = name !== 'floor';
      samples[name].push(await coldStart(cmd, a, { PATH: process.env.PATH ?? '', ...env }, { firstCall }));
    }
  }
  const summary = {};
  for (const [name, s] of Object.entries(samples)) {
    summary[name] = {
      initializeMs: round(median(s.map((x) => x.initializeMs)), 1),
      toolsListMs: round(median(s.map((x) => x.toolsListMs)), 1),
      ...(name === 'floor' ? {} : { firstCallMs: round(median(s.map((x) => x.firstCallMs)), 1) }),
    };
  }
  const ratio = (name, key) => round(summary[name][key] / summary.floor[key], 2);
  return {
    runs,
    ...summary,
    ratioInitialize: ratio('bundle', 'initializeMs'),
    ratioToolsList: ratio('bundle', 'toolsListMs'),
    ratioInitializeDist: ratio('dist', 'initializeMs'),
    ratioInitializeFullStart: ratio('fullStart', 'initializeMs'),
  };
}

async function benchStdioCalls(backend) {
  const client = new StdioClient(process.execPath, [BIN], stdioEnv(backend.url));
  await client.initialize();
  client.notify('notifications/initialized');
  await client.request('tools/list');
  const latencies = [];
  for (let i = 0; i < 1000; i++) {
    const t = performance.now();
    const { result } = await client.request('tools/call', {
      name: 'g8_search_contacts',
      arguments: { limit: 10 },
    });
    latencies.push(performance.now() - t);
    if (i === 0 && result.structuredContent?.items?.length !== 10)
      throw new Error('stdio call: not a 10-row page');
  }
  await sleep(500);
  const idleRss = rssBytes(client.pid);
  await client.close();
  return {
    calls: 1000,
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    rssAfterCallsMb: mb(idleRss),
  };
}

async function benchStdioIdle(backend) {
  const client = new StdioClient(process.execPath, [BIN], stdioEnv(backend.url));
  await client.initialize();
  client.notify('notifications/initialized');
  await client.request('tools/list');
  await sleep(1500);
  const rss = rssBytes(client.pid);
  // The real server loads when a request needs it (src/fast/front.ts): the first call after a
  // pause waits for that load, and the server then stays at its loaded size.
  const t = performance.now();
  await client.request('tools/call', { name: 'g8_search_contacts', arguments: { limit: 10 } });
  const firstCallAfterIdleMs = performance.now() - t;
  await sleep(1500);
  const rssAfterFirstCall = rssBytes(client.pid);
  await client.close();
  return {
    idleRssMb: mb(rss),
    firstCallAfterIdleMs: round(firstCallAfterIdleMs, 1),
    rssAfterFirstCallMb: mb(rssAfterFirstCall),
  };
}

async function benchSizes(backend) {
  const out = {};
  for (const mode of ['all', 'dev', 'gtm']) {
    out[mode] = {};
    for (const discovery of ['off', 'on']) {
      const client = new StdioClient(
        process.execPath,
        [BIN],
        stdioEnv(backend.url, { G8_MCP_MODE: mode, G8_DISCOVERY: discovery }),
      );
      await client.initialize();
      const { result } = await client.request('tools/list');
      await client.close();
      const chars = JSON.stringify(result).length;
      out[mode][discovery] = {
        tools: result.tools.length,
        bytes: Buffer.byteLength(JSON.stringify(result)),
        tokens: Math.ceil(chars / 4),
      };
    }
  }
  return out;
}

/** Throughput of one server under the load generator, with the server's CPU per call. */
async function measureServer(server, load, stateless) {
  const cpuBefore = cpuMs(server.pid);
  const result = await mcpThroughput(server.url, { ...load, stateless });
  result.serverCpuMsPerCall = round((cpuMs(server.pid) - cpuBefore) / result.completed, 3);
  return result;
}

async function benchHttp(backend) {
  const rounds = [];
  for (let r = 0; r < REPEAT; r++) {
    const load = { concurrency: CONCURRENCY, warmupMs: WARMUP_MS, durationMs: DURATION_MS };
    log(`http round ${r + 1}/${REPEAT}: direct REST`);
    const direct = await directThroughput(backend.url, load);
    const references = {};
    for (const [name, script] of [
      ['referenceSdk', './reference-sdk.mjs'],
      ['referenceProxy', './reference-proxy.mjs'],
    ]) {
      log(`http round ${r + 1}/${REPEAT}: ${name}`);
      const reference = await startReference(script, backend.url);
      try {
        references[name] = await measureServer(reference, load, false);
      } finally {
        await reference.stop();
      }
    }
    const modes = {};
    for (const stateless of [false, true]) {
      const name = stateless ? 'stateless' : 'sessions';
      log(`http round ${r + 1}/${REPEAT}: MCP ${name}`);
      const remote = await startRemote(backend.url, { stateless });
      try {
        const before = await backend.counts();
        modes[name] = await measureServer(remote, load, stateless);
        const after = await backend.counts();
        // REST calls the backend saw per tool call (GET /me included): 1 is the floor.
        modes[name].backendCallsPerToolCall = round(
          (after.me + after.contacts - before.me - before.contacts) / (after.contacts - before.contacts),
          2,
        );
      } finally {
        await remote.stop();
      }
    }
    rounds.push({ direct, ...references, ...modes });
  }
  const pick = (kind, key) => median(rounds.map((r) => r[kind][key]));
  const summary = { concurrency: CONCURRENCY, durationMs: DURATION_MS, rounds: REPEAT };
  for (const kind of ['direct', 'referenceSdk', 'referenceProxy', 'sessions', 'stateless']) {
    summary[kind] = {
      perSecond: pick(kind, 'perSecond'),
      p50Ms: pick(kind, 'p50Ms'),
      p99Ms: pick(kind, 'p99Ms'),
    };
  }
  for (const kind of ['referenceSdk', 'referenceProxy', 'sessions', 'stateless']) {
    summary[kind].ratio = round(median(rounds.map((r) => r[kind].perSecond / r.direct.perSecond)), 3);
    summary[kind].addedP50Ms = round(median(rounds.map((r) => r[kind].p50Ms - r.direct.p50Ms)), 2);
    summary[kind].addedP99Ms = round(median(rounds.map((r) => r[kind].p99Ms - r.direct.p99Ms)), 2);
    summary[kind].serverCpuMsPerCall = pick(kind, 'serverCpuMsPerCall');
  }
  for (const kind of ['sessions', 'stateless']) {
    summary[kind].backendCallsPerToolCall = pick(kind, 'backendCallsPerToolCall');
  }
  summary.raw = rounds;
  return summary;
}

async function benchMemory(backend) {
  const remote = await startRemote(backend.url);
  try {
    await sleep(1000);
    await remote.gc();
    const idle = rssBytes(remote.pid);
    log('memory: 100 sessions × 10 calls');
    await openSessions(remote.url, { sessions: 100, calls: 10, concurrency: CONCURRENCY });
    await remote.gc();
    const heap100 = (await remote.gc())?.heapUsed;
    const after100 = rssBytes(remote.pid);
    log('memory: 900 more sessions × 10 calls');
    await openSessions(remote.url, { sessions: 900, calls: 10, concurrency: CONCURRENCY });
    await remote.gc();
    const heap1000 = (await remote.gc())?.heapUsed;
    const after1000 = rssBytes(remote.pid);
    return {
      idleRssMb: mb(idle),
      rssAfter100SessionsMb: mb(after100),
      rssAfter1000SessionsMb: mb(after1000),
      // Warm-up (JIT, pools, first-use allocations) lands in the first hundred; the marginal cost
      // of a session is what the next 900 add. RSS moves in steps as the heap grows, so the
      // JavaScript heap retained per session (after a full GC) is given too: it is the steadier one.
      perSessionKb: round((after1000 - after100) / 900 / 1024, 1),
      perSessionKbIncludingWarmup: round((after1000 - idle) / 1000 / 1024, 1),
      perSessionHeapKb: heap100 && heap1000 ? round((heap1000 - heap100) / 900 / 1024, 1) : null,
    };
  } finally {
    await remote.stop();
  }
}

// ---------------------------------------------------------------------------------------------

function verdict(ok) {
  return ok === undefined ? '—' : ok ? 'pass' : 'FAIL';
}

function table(results) {
  const rows = [];
  const add = (figure, value, target, ok) => rows.push([figure, value, target ?? '', verdict(ok)]);
  const c = results.coldStart;
  if (c) {
    add(
      'stdio cold start → initialize (median of 7)',
      `${c.bundle.initializeMs} ms (floor ${c.floor.initializeMs} ms): ${c.ratioInitialize}×`,
      `≤ ${TARGETS.coldStartRatio}× floor`,
      c.ratioInitialize <= TARGETS.coldStartRatio,
    );
    add(
      'stdio cold start → tools/list',
      `${c.bundle.toolsListMs} ms (floor ${c.floor.toolsListMs} ms): ${c.ratioToolsList}×`,
    );
    add('stdio cold start → first tools/call answered', `${c.bundle.firstCallMs} ms`);
    add(
      '  unbundled dist/src/main.js',
      `initialize ${c.dist.initializeMs} ms (${c.ratioInitializeDist}×), tools/list ${c.dist.toolsListMs} ms, first call ${c.dist.firstCallMs} ms`,
    );
    add(
      '  full start (no fast front)',
      `initialize ${c.fullStart.initializeMs} ms (${c.ratioInitializeFullStart}×), tools/list ${c.fullStart.toolsListMs} ms, first call ${c.fullStart.firstCallMs} ms`,
    );
  }
  const s = results.stdioCalls;
  if (s) add('stdio tools/call latency (1,000 sequential)', `p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms`);
  const z = results.sizes;
  if (z) {
    for (const mode of ['all', 'dev', 'gtm']) {
      const t = z[mode].off;
      add(
        `tools/list ${mode}, discovery off`,
        `${t.tools} tools, ${t.bytes} B, ≈${t.tokens} tokens`,
        `≤ ${TARGETS.tokens[mode]}`,
        t.tokens <= TARGETS.tokens[mode],
      );
    }
    for (const mode of ['all', 'dev', 'gtm']) {
      const t = z[mode].on;
      const isDefault = mode === 'all';
      add(
        `tools/list ${mode}, discovery on${isDefault ? ' (the default)' : ''}`,
        `${t.tools} tools, ${t.bytes} B, ≈${t.tokens} tokens`,
        `≤ ${TARGETS.tokens.discoveryDefault}`,
        t.tokens <= TARGETS.tokens.discoveryDefault,
      );
    }
  }
  const h = results.http;
  if (h) {
    add(
      'direct REST (undici → backend), 32 concurrent',
      `${h.direct.perSecond}/s, p50 ${h.direct.p50Ms} ms, p99 ${h.direct.p99Ms} ms`,
    );
    for (const [kind, label] of [
      ['referenceSdk', 'reference: bare SDK server, 1 tool, sessions'],
      ['referenceProxy', 'reference: minimal JSON-RPC → REST proxy (floor)'],
    ]) {
      const r = h[kind];
      if (!r) continue;
      add(
        `  ${label}`,
        `${r.perSecond}/s (${round(r.ratio * 100)}% of direct), p50 ${r.p50Ms} ms (+${r.addedP50Ms} ms); ${r.serverCpuMsPerCall} ms CPU per call`,
      );
    }
    for (const kind of ['sessions', 'stateless']) {
      const k = h[kind];
      add(
        `MCP tools/call over HTTP, ${kind}`,
        `${k.perSecond}/s (${round(k.ratio * 100)}% of direct), p50 ${k.p50Ms} ms, p99 ${k.p99Ms} ms; ${k.serverCpuMsPerCall} ms CPU and ${k.backendCallsPerToolCall} REST calls per call`,
        `≥ ${TARGETS.httpRatio * 100}%`,
        k.ratio >= TARGETS.httpRatio,
      );
      add(
        `  added p50 latency, ${kind}`,
        `${k.addedP50Ms} ms (p99 +${k.addedP99Ms} ms)`,
        `≤ ${TARGETS.addedP50Ms} ms`,
        k.addedP50Ms <= TARGETS.addedP50Ms,
      );
    }
  }
  const m = results.memory;
  if (m) {
    add(
      'HTTP server RSS at idle',
      `${m.idleRssMb} MB`,
      `≤ ${TARGETS.idleRssMb} MB`,
      m.idleRssMb <= TARGETS.idleRssMb,
    );
    add('HTTP RSS after 1,000 sessions × 10 calls', `${m.rssAfter1000SessionsMb} MB`);
    add(
      '  per idle session (marginal, sessions 101–1,000)',
      `${m.perSessionKb} KB RSS (with warm-up: ${m.perSessionKbIncludingWarmup} KB); ${m.perSessionHeapKb} KB of JS heap`,
      `≤ ${TARGETS.perSessionKb} KB`,
      m.perSessionKb <= TARGETS.perSessionKb,
    );
  }
  const i = results.stdioIdle;
  if (i) {
    add(
      'stdio server RSS at idle (after tools/list)',
      `${i.idleRssMb} MB`,
      `≤ ${TARGETS.idleRssMb} MB`,
      i.idleRssMb <= TARGETS.idleRssMb,
    );
    add(
      '  first tools/call after idle; RSS 1.5 s later',
      `${i.firstCallAfterIdleMs} ms; ${i.rssAfterFirstCallMb} MB`,
    );
  }
  if (s) add('  stdio RSS after 1,000 calls', `${s.rssAfterCallsMb} MB`);
  const widths = [0, 1, 2, 3].map((i) =>
    Math.max(...[['figure', 'value', 'target', ''], ...rows].map((r) => String(r[i]).length)),
  );
  const line = (r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [
    line(['figure', 'value', 'target', '']),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
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
      loadAverageAtStart: loadAverage(),
    },
    settings: {
      concurrency: CONCURRENCY,
      durationMs: DURATION_MS,
      warmupMs: WARMUP_MS,
      repeat: REPEAT,
      pace: 'off',
    },
    targets: TARGETS,
  };
  const backend = await startBackend();
  try {
    if (ONLY.has('stdio')) {
      log('stdio cold start (7 runs each, interleaved)');
      results.coldStart = await benchColdStart(backend);
      log('stdio: 1,000 sequential calls');
      results.stdioCalls = await benchStdioCalls(backend);
      results.stdioIdle = await benchStdioIdle(backend);
    }
    if (ONLY.has('size')) {
      log('tools/list sizes');
      results.sizes = await benchSizes(backend);
    }
    if (ONLY.has('http')) results.http = await benchHttp(backend);
    if (ONLY.has('memory')) results.memory = await benchMemory(backend);
  } finally {
    backend.stop();
  }
  results.machine.loadAverageAtEnd = loadAverage();
  results.seconds = round((Date.now() - started) / 1000);
  writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(
    `\ng8-mcp-server bench — ${results.machine.cpus} × ${results.machine.cpuModel}, Node ${process.version}, load ${results.machine.loadAverageAtStart.join(' ')}\n\n${table(results)}\n\nwritten to ${OUT.replace(ROOT, '')} (${results.seconds} s)\n`,
  );
}

await main();
