// The HTTP half of the bench: remote mode (`g8-mcp-server --http`) against the bench backend, and
// a load generator with N concurrent MCP sessions over Streamable HTTP — or the same REST request
// sent straight to the backend with undici, for the ratio. Every loop is bounded by a deadline.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { DIST_MAIN, freePort, GC_PRELOAD, KEY, percentile, sleep } from './lib.mjs';

const PROTOCOL = '2025-06-18';

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

/** A reference server: bench/reference-sdk.mjs (bare SDK) or bench/reference-proxy.mjs (a floor). */
export async function startReference(script, backendUrl) {
  const port = await freePort();
  const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url))], {
    env: { PATH: process.env.PATH ?? '', BACKEND: backendUrl, PORT: String(port) },
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitHealthy(child, origin);
  return { url: `${origin}/mcp`, pid: child.pid, stop: () => stopChild(child) };
}

/** Starts remote mode on a free loopback port; API keys only (no OAuth issuer), no pacing. */
export async function startRemote(backendUrl, { stateless = false } = {}) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'g8-bench-'));
  const child = spawn(process.execPath, ['--expose-gc', '--require', GC_PRELOAD, DIST_MAIN, '--http'], {
    env: {
      PATH: process.env.PATH ?? '',
      G8_API_URL: backendUrl,
      G8_HTTP_PORT: String(port),
      G8_DATA_DIR: dataDir,
      G8_MCP_SECRET: 'bench-secret-bench-secret-bench-secret-0001',
      G8_LOG_LEVEL: 'warn',
      G8_PACE: 'off',
      G8_MAX_SESSIONS: '2000',
      ...(stateless ? { G8_HTTP_STATELESS: 'true' } : {}),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // The memory reports of bench/gc-on-signal.cjs; everything else goes through to our stderr.
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
    url: `${origin}/mcp`,
    pid: child.pid,
    /** Full GC in the server (bench/gc-on-signal.cjs); resolves to its process.memoryUsage(). */
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
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const CALL = {
  name: 'g8_search_contacts',
  arguments: { limit: 10 },
};

/** The JSON-RPC message in a Streamable HTTP answer: a JSON body, or the first SSE `data:` line. */
function rpcFrom(text, contentType) {
  if (contentType?.startsWith('application/json')) return JSON.parse(text);
  const line = text.split('\n').find((l) => l.startsWith('data: '));
  return line ? JSON.parse(line.slice(6)) : undefined;
}

export class McpHttpClient {
  #pool;
  #path;
  #origin;
  #next = 1;
  sessionId;

  constructor(pool, url) {
    const u = new URL(url);
    this.#pool = pool;
    this.#origin = u.origin;
    this.#path = u.pathname;
  }

  async #post(message) {
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${KEY}`,
      'mcp-protocol-version': PROTOCOL,
      ...(this.sessionId ? { 'mcp-session-id': this.sessionId } : {}),
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

  async initialize() {
    const res = await this.#post({
      jsonrpc: '2.0',
      id: this.#next++,
      method: 'initialize',
      params: {
        protocolVersion: PROTOCOL,
        capabilities: {},
        clientInfo: { name: 'g8-bench', version: '1.0.0' },
      },
    });
    if (res.status !== 200) throw new Error(`initialize: HTTP ${res.status} ${res.text.slice(0, 200)}`);
    this.sessionId = res.headers['mcp-session-id'];
    const note = await this.#post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    if (note.status !== 202) throw new Error(`notifications/initialized: HTTP ${note.status}`);
  }

  /** One tools/call; throws unless it is a successful 10-row page. */
  async call(check = false) {
    const id = this.#next++;
    const res = await this.#post({ jsonrpc: '2.0', id, method: 'tools/call', params: CALL });
    if (res.status !== 200) throw new Error(`tools/call: HTTP ${res.status} ${res.text.slice(0, 200)}`);
    if (check) {
      const msg = rpcFrom(res.text, res.headers['content-type']);
      const items = msg?.result?.structuredContent?.items;
      if (msg?.result?.isError || !Array.isArray(items) || items.length !== 10) {
        throw new Error(`tools/call did not return the 10-row page: ${res.text.slice(0, 300)}`);
      }
    }
  }
}

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

const round2 = (x) => Math.round(x * 100) / 100;

/** tools/call over Streamable HTTP: one session per loop (or none, stateless). */
export async function mcpThroughput(url, { concurrency, warmupMs, durationMs, stateless }) {
  const pool = new Pool(new URL(url).origin, { connections: concurrency, pipelining: 1 });
  try {
    return await drive(concurrency, warmupMs, durationMs, async () => {
      const client = new McpHttpClient(pool, url);
      if (!stateless) await client.initialize();
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
      const res = await pool.request({ method: 'GET', path: '/api/v1/contacts?limit=10', headers });
      const body = JSON.parse(await res.body.text());
      if (res.statusCode !== 200 || body.data.length !== 10)
        throw new Error(`direct: HTTP ${res.statusCode}`);
    });
  } finally {
    await pool.close();
  }
}

/** Opens `sessions` sessions (`concurrency` at a time), each making `calls` calls; leaves them open. */
export async function openSessions(url, { sessions, calls, concurrency }) {
  const pool = new Pool(new URL(url).origin, { connections: concurrency, pipelining: 1 });
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < sessions) {
          next++;
          const client = new McpHttpClient(pool, url);
          await client.initialize();
          for (let i = 0; i < calls; i++) await client.call(i === 0);
        }
      }),
    );
  } finally {
    await pool.close();
  }
}
