// The HTTP half of the bench: remote mode (`node dist/src/entry/main.js --http`) and the references
// against the bench backend, and a load generator of raw MCP requests over undici — 2026-07-28
// (one POST per call, the per-request `_meta` envelope and the MCP-Protocol-Version / Mcp-Method /
// Mcp-Name headers) or 2025-era sessions (initialize, then calls with Mcp-Session-Id) — or the same
// REST request sent straight to the backend, for the added latency. No client SDK on the hot path;
// every loop is bounded by a deadline.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { DIST_MAIN, freePort, GC_PRELOAD, KEY, percentile, sleep } from './lib.mjs';

export const LEGACY = '2025-06-18';
export const MODERN = '2026-07-28';

/** The call every HTTP figure makes: a cheap read tool, one row. */
export const CALL = { name: 'g8_search_contacts', arguments: { limit: 1 } };

export const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name: 'g8-bench', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

async function waitHealthy(child, origin) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${origin}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('server did not start within 20 s');
    await sleep(50);
  }
}

async function stopChild(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/**
 * Spawns a server with bench/gc-on-signal.cjs preloaded (SIGUSR2: full GC, memory report on
 * stderr) and waits for GET /healthz. Other stderr lines go through to ours.
 */
async function startServer(args, env, port, cleanup = () => {}) {
  const child = spawn(process.execPath, ['--expose-gc', '--require', GC_PRELOAD, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let onMemory = () => {};
  let pending = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    pending += chunk;
    for (let i = pending.indexOf('\n'); i !== -1; i = pending.indexOf('\n')) {
      const line = pending.slice(0, i);
      pending = pending.slice(i + 1);
      if (line.startsWith('{"g8bench":')) onMemory(JSON.parse(line).g8bench);
      else process.stderr.write(`${line}\n`);
    }
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitHealthy(child, origin);
  return {
    origin,
    pid: child.pid,
    /** Full GC in the server; resolves to its process.memoryUsage() (undefined on timeout). */
    gc: async () => {
      const report = new Promise((resolve) => {
        onMemory = resolve;
      });
      child.kill('SIGUSR2');
      const memory = await Promise.race([report, sleep(5000)]);
      await sleep(200);
      return memory;
    },
    stop: async () => {
      await stopChild(child);
      cleanup();
    },
  };
}

/** A reference server script of bench/ (reference-sdk2.mjs, reference-proxy.mjs) on a free port. */
export async function startReference(script, backendUrl) {
  const port = await freePort();
  const server = await startServer(
    [fileURLToPath(new URL(script, import.meta.url))],
    { BACKEND: backendUrl, PORT: String(port), KEY },
    port,
  );
  return { ...server, url: `${server.origin}/mcp` };
}

/**
 * Remote mode on a free loopback port: API keys only (no OAuth issuer), no pacing, logs at warn.
 * `query` is the URL's tool selection, e.g. `?mode=gtm&toolsets=contacts`.
 */
export async function startRemote(backendUrl, { query = '', env = {} } = {}) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'g8-bench-'));
  const server = await startServer(
    [DIST_MAIN, '--http'],
    {
      G8_API_URL: backendUrl,
      G8_HTTP_PORT: String(port),
      G8_DATA_DIR: dataDir,
      G8_MCP_SECRET: 'bench-secret-bench-secret-bench-secret-0001',
      G8_LOG_LEVEL: 'warn',
      G8_PACE: 'off',
      G8_MAX_SESSIONS: '5000',
      // One key opens every session here: the per-owner cap would close them (and the figure).
      G8_MAX_SESSIONS_PER_OWNER: '5000',
      // Likewise every call: the per-principal limits would refuse the load (their check still runs).
      G8_CALLS_PER_MIN_PER_PRINCIPAL: '10000000',
      G8_MAX_INFLIGHT_PER_PRINCIPAL: '1000000',
      ...env,
    },
    port,
    () => rmSync(dataDir, { recursive: true, force: true }),
  );
  return { ...server, url: `${server.origin}/mcp${query}` };
}

/** The JSON-RPC messages in a Streamable HTTP answer: a JSON body, or the SSE `data:` lines. */
function rpcFrom(text, contentType) {
  if (contentType?.startsWith('application/json')) return JSON.parse(text);
  const lines = text.split('\n').filter((l) => l.startsWith('data: ') && l.length > 6);
  const messages = lines.map((l) => JSON.parse(l.slice(6)));
  return messages.find((m) => 'result' in m || 'error' in m);
}

/** Throws unless `res` answers CALL with a one-row page. */
function checkCall(res, label) {
  if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
  const msg = rpcFrom(res.text, res.headers['content-type']);
  const items = msg?.result?.structuredContent?.items;
  if (msg?.result?.isError || !Array.isArray(items) || items.length !== 1) {
    throw new Error(`${label} did not return the one-row page: ${res.text.slice(0, 300)}`);
  }
}

/** A raw MCP client over an undici pool: the 2026-07-28 era (no session) or a 2025-era session. */
export class McpHttpClient {
  #pool;
  #path;
  #apiKey;
  #era;
  #stateless;
  #next = 1;
  sessionId;

  /** `stateless`: a 2025-era server without sessions (G8_HTTP_STATELESS): no Mcp-Session-Id to keep. */
  constructor(pool, url, { era, apiKey = KEY, stateless = false }) {
    const u = new URL(url);
    this.#pool = pool;
    this.#path = `${u.pathname}${u.search}`;
    this.#apiKey = apiKey;
    this.#era = era;
    this.#stateless = stateless;
  }

  async #post(message, extraHeaders = {}) {
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'x-api-key': this.#apiKey,
      'mcp-protocol-version': this.#era,
      ...(this.sessionId ? { 'mcp-session-id': this.sessionId } : {}),
      ...extraHeaders,
    };
    const res = await this.#pool.request({
      method: 'POST',
      path: this.#path,
      headers,
      body: JSON.stringify(message),
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text };
  }

  /** 2025: initialize + notifications/initialized. 2026: nothing to open. */
  async open() {
    if (this.#era === MODERN) return;
    const res = await this.#post({
      jsonrpc: '2.0',
      id: this.#next++,
      method: 'initialize',
      params: {
        protocolVersion: LEGACY,
        capabilities: {},
        clientInfo: { name: 'g8-bench', version: '1.0.0' },
      },
    });
    if (res.status !== 200) throw new Error(`initialize: HTTP ${res.status} ${res.text.slice(0, 200)}`);
    this.sessionId = res.headers['mcp-session-id'];
    if (this.#stateless) return;
    if (!this.sessionId) throw new Error('initialize: no Mcp-Session-Id');
    const note = await this.#post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    if (note.status !== 202) throw new Error(`notifications/initialized: HTTP ${note.status}`);
  }

  #request(method, params) {
    const modern = this.#era === MODERN;
    const message = {
      jsonrpc: '2.0',
      id: this.#next++,
      method,
      params: modern ? { ...params, _meta: ENVELOPE } : params,
    };
    const headers = modern
      ? { 'mcp-method': method, ...(params?.name ? { 'mcp-name': params.name } : {}) }
      : {};
    return this.#post(message, headers);
  }

  async listTools() {
    const res = await this.#request('tools/list', {});
    if (res.status !== 200) throw new Error(`tools/list: HTTP ${res.status} ${res.text.slice(0, 200)}`);
    const msg = rpcFrom(res.text, res.headers['content-type']);
    if (!Array.isArray(msg?.result?.tools)) throw new Error(`tools/list: ${res.text.slice(0, 200)}`);
    return msg.result.tools;
  }

  /** One tools/call of CALL; with `check`, throws unless it is a successful one-row page. */
  async call(check = false) {
    const res = await this.#request('tools/call', CALL);
    if (check) checkCall(res, `tools/call (${this.#era})`);
    else if (res.status !== 200) throw new Error(`tools/call: HTTP ${res.status} ${res.text.slice(0, 200)}`);
  }
}

const round2 = (x) => Math.round(x * 100) / 100;

/**
 * Runs `concurrency` loops for warmupMs + durationMs; counts and times what finishes in the
 * measured window. `makeWorker(i)` resolves to a function doing one unit of work.
 */
async function drive(concurrency, warmupMs, durationMs, makeWorker) {
  const workers = await Promise.all(Array.from({ length: concurrency }, (_, i) => makeWorker(i)));
  const start = performance.now() + warmupMs;
  const end = start + durationMs;
  const latencies = [];
  let completed = 0;
  let errors = 0;
  let firstError;
  await Promise.all(
    workers.map(async (work) => {
      for (;;) {
        const t = performance.now();
        if (t >= end) return;
        try {
          await work();
        } catch (error) {
          errors++;
          firstError ??= error;
          if (errors > 100) throw firstError;
        }
        const done = performance.now();
        completed++;
        if (t >= start && done <= end) latencies.push(done - t);
      }
    }),
  );
  if (errors) throw new Error(`${errors} failed requests; first: ${firstError?.message}`);
  return {
    /** Every call made, warm-up included (for CPU per call). */
    completed,
    requests: latencies.length,
    perSecond: Math.round(latencies.length / (durationMs / 1000)),
    p50Ms: round2(percentile(latencies, 50)),
    p99Ms: round2(percentile(latencies, 99)),
  };
}

/** tools/call over Streamable HTTP, `concurrency` loops: one 2025 session per loop, or 2026 requests. */
export async function mcpThroughput(url, { concurrency, warmupMs, durationMs, era, apiKey, stateless }) {
  const pool = new Pool(new URL(url).origin, { connections: concurrency, pipelining: 1 });
  try {
    return await drive(concurrency, warmupMs, durationMs, async () => {
      const client = new McpHttpClient(pool, url, { era, apiKey, stateless });
      await client.open();
      await client.call(true);
      return () => client.call();
    });
  } finally {
    await pool.close();
  }
}

/** The same REST request the tool makes, straight to the backend. */
export async function directThroughput(backendUrl, { concurrency, warmupMs, durationMs }) {
  const pool = new Pool(backendUrl, { connections: concurrency, pipelining: 1 });
  const headers = {
    authorization: `Bearer ${KEY}`,
    accept: 'application/json',
    'user-agent': 'g8-bench',
  };
  try {
    return await drive(concurrency, warmupMs, durationMs, async () => async () => {
      const res = await pool.request({
        method: 'GET',
        path: `/api/v1/contacts?limit=${CALL.arguments.limit}`,
        headers,
      });
      const body = JSON.parse(await res.body.text());
      if (res.statusCode !== 200 || body.data.length !== CALL.arguments.limit)
        throw new Error(`direct: HTTP ${res.statusCode}`);
    });
  } finally {
    await pool.close();
  }
}

/**
 * Opens `sessions` 2025 sessions (`concurrency` at a time) the way a client starts one —
 * initialize, notifications/initialized, tools/list, one tools/call — and leaves them open, idle.
 */
export async function openSessions(url, { sessions, concurrency, apiKey }) {
  const pool = new Pool(new URL(url).origin, { connections: concurrency, pipelining: 1 });
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < sessions) {
          next++;
          const client = new McpHttpClient(pool, url, { era: LEGACY, apiKey });
          await client.open();
          await client.listTools();
          await client.call(true);
        }
      }),
    );
  } finally {
    await pool.close();
  }
}
