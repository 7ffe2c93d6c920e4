// Helpers of the bench: child processes, statistics, memory, and a raw JSON-RPC stdio client.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = fileURLToPath(new URL('../dist/bundle/main.js', import.meta.url));
export const DIST_MAIN = fileURLToPath(new URL('../dist/src/entry/main.js', import.meta.url));
export const FLOOR = fileURLToPath(new URL('./floor.mjs', import.meta.url));
export const REFERENCE_STDIO = fileURLToPath(new URL('./reference-stdio.mjs', import.meta.url));
export const GC_PRELOAD = fileURLToPath(new URL('./gc-on-signal.cjs', import.meta.url));

/** A key of the shape remote mode accepts on /mcp; the bench backend accepts any, unrestricted. */
export const KEY = 'g8_test_bench0000000000000000';
/** A key the bench backend's GET /me answers with three scopes: the product's scope filter hides tools. */
export const KEY_SCOPED = 'g8_test_scoped_bench00000000000';

/** The 2026-07-28 per-request envelope (stdio: in params._meta of every request). */
export const STDIO_ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'g8-bench', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function percentile(values, p) {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const median = (values) => percentile(values, 50);

/** Resident set size of a process in bytes (Linux). */
export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return kb * 1024;
}

/** CPU time a process has used so far, in ms (Linux clock ticks of 10 ms). */
export function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function loadAverage() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    return [];
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Reads lines from a child's stdout until `match` returns a value. */
export function waitForLine(child, match, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => {
      child.stdout.off('data', onData);
      reject(new Error('timed out waiting for the child process'));
    }, timeoutMs);
    const onData = (chunk) => {
      buffer += chunk;
      for (let i = buffer.indexOf('\n'); i !== -1; i = buffer.indexOf('\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        const value = match(line);
        if (value !== undefined) {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          resolve(value);
          return;
        }
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code}) before it was ready`));
    });
  });
}

export async function startBackend() {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./backend.mjs', import.meta.url))], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const { port } = await waitForLine(child, (line) => JSON.parse(line));
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    pid: child.pid,
    /** Requests the backend has answered so far, per route. */
    counts: async () => (await fetch(`${url}/__bench/counts`)).json(),
    stop: () => {
      child.stdin.end();
      child.kill();
    },
  };
}

/** stdio server environment: the bench backend, logs off, no client-side pacing. */
export function stdioEnv(backendUrl, extra = {}) {
  return {
    PATH: process.env.PATH ?? '',
    G8_API_KEY: KEY,
    G8_API_URL: backendUrl,
    G8_LOG_LEVEL: 'silent',
    G8_PACE: 'off',
    ...extra,
  };
}

/** A raw JSON-RPC client of a spawned stdio server: times every answer from the spawn. */
export class StdioClient {
  #child;
  #next = 1;
  #waiting = new Map();
  #buffer = '';
  t0;

  constructor(command, args, env) {
    this.t0 = performance.now();
    this.#child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'inherit'] });
    this.#child.stdout.setEncoding('utf8');
    this.#child.stdout.on('data', (chunk) => this.#onData(chunk));
    this.#child.on('exit', () => {
      for (const w of this.#waiting.values()) w.reject(new Error('server exited'));
      this.#waiting.clear();
    });
  }

  get pid() {
    return this.#child.pid;
  }

  #onData(chunk) {
    this.#buffer += chunk;
    for (let i = this.#buffer.indexOf('\n'); i !== -1; i = this.#buffer.indexOf('\n')) {
      const line = this.#buffer.slice(0, i);
      this.#buffer = this.#buffer.slice(i + 1);
      const msg = JSON.parse(line);
      const w = msg.id !== undefined && this.#waiting.get(msg.id);
      if (!w) continue;
      this.#waiting.delete(msg.id);
      if (msg.error) w.reject(new Error(`${msg.error.code}: ${msg.error.message}`));
      else w.resolve({ result: msg.result, bytes: line.length, at: performance.now() - this.t0 });
    }
  }

  notify(method, params) {
    this.#child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method, ...(params ? { params } : {}) })}\n`);
  }

  /** A request; `modern` puts the 2026-07-28 envelope in its params._meta. */
  request(method, params, { modern = false } = {}) {
    const id = this.#next++;
    const p = modern ? { ...(params ?? {}), _meta: STDIO_ENVELOPE } : params;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#child.stdin.write(
        `${JSON.stringify({ jsonrpc: '2.0', id, method, ...(p ? { params: p } : {}) })}\n`,
      );
    });
  }

  initialize() {
    return this.request('initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'g8-bench', version: '1.0.0' },
    });
  }

  /**
   * The opening exchange of an era, then tools/list: 2025 (initialize → notifications/initialized
   * → tools/list) or 2026-07-28 (server/discover → tools/list, both with the envelope).
   */
  async handshake(modern) {
    let first;
    if (modern) first = await this.request('server/discover', {}, { modern: true });
    else {
      first = await this.initialize();
      this.notify('notifications/initialized');
    }
    const list = await this.request('tools/list', {}, { modern });
    return { first, list };
  }

  close() {
    return new Promise((resolve) => {
      if (this.#child.exitCode !== null) return resolve();
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), 3000);
      this.#child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.#child.stdin.end();
    });
  }
}

/** Spawn → the era's opening answer → tools/list answered, the way a desktop client starts a server. */
export async function coldStart(command, args, env, { modern = false } = {}) {
  const client = new StdioClient(command, args, env);
  try {
    const { first, list } = await client.handshake(modern);
    if (!Array.isArray(list.result?.tools)) throw new Error('cold start: tools/list without tools');
    return { firstMs: first.at, toolsListMs: list.at };
  } finally {
    await client.close();
  }
}
