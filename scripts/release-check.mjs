#!/usr/bin/env node
// `npm run release:check`: what a user of the published packages would get, checked from the packed
// tarballs and not from this checkout. Packs g8-mcp-server and g8-sandbox, then:
//   1. the server tarball holds what `files` says and nothing else; server.json agrees with package.json;
//   2. installed into an empty folder (production dependencies only) it has no native module;
//   3. from there: `g8 --version`, the stdio handshake (initialize + tools/list), `sandbox` without
//      g8-sandbox (one line saying how to get it), and the remote handshake (`--http` with an
//      X-API-Key header against a sandbox: initialize, tools/list, one tools/call);
//   4. both tarballs installed side by side: `g8-mcp-server sandbox --print-key` works, and `demo`
//      says in one line that it runs from a clone (its self-check needs a dev dependency);
//   5. `npx -y file:<tarball>` with an empty npm cache and no compiler on PATH, timed from spawn to
//      the answer to initialize over stdio (target ≤ 15 s; more fails the check).
// Each step prints one line with its time. A failed check is reported and the others still run
// (exit code 1 at the end); a failure the rest depends on (packing, installing) stops the run.
// Needs the npm registry (installs resolve the server's dependencies as a user's would).
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIRST_LAUNCH_LIMIT_MS = 15_000;
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const work = mkdtempSync(join(tmpdir(), 'g8-release-'));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const stopAtExit = [];

class CheckFailed extends Error {}

function fail(message) {
  throw new CheckFailed(message);
}

const failed = [];

/** One check; `fatal` for the ones every later step needs. */
async function step(name, fn, { fatal = false } = {}) {
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  try {
    const detail = await fn();
    process.stdout.write(`ok   ${name} (${seconds()} s)${detail ? `: ${detail}` : ''}\n`);
  } catch (error) {
    if (fatal || !(error instanceof CheckFailed)) throw error;
    process.stdout.write(`FAIL ${name} (${seconds()} s): ${error.message}\n`);
    failed.push(name);
  }
}

/** Runs a command to completion; its output is returned, and shown only when it fails. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.status !== 0 && !options.allowFailure) {
    fail(`${command} ${args.join(' ')} exited with ${result.status}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

function emptyProject(name) {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), `{"name":"${name}","version":"1.0.0","private":true}\n`);
  return dir;
}

function install(dir, tarballs) {
  run(NPM, ['install', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], {
    cwd: dir,
  });
}

/** Every file below a folder whose name ends with `.node` (a compiled addon). */
function nativeModules(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.node'))
    .map((e) => join(e.parentPath, e.name));
}

/** JSON-RPC over a child's stdio, newline-delimited; resolves each answer by id. */
function stdioPeer(child) {
  const waiting = new Map();
  let buffer = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (!line) continue;
      const message = JSON.parse(line);
      waiting.get(message.id)?.(message);
      waiting.delete(message.id);
    }
  });
  let next = 1;
  return {
    request(method, params, timeoutMs = 30_000) {
      const id = next++;
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new CheckFailed(`no answer to ${method} in ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiting.set(id, (message) => {
          clearTimeout(timer);
          resolve(message);
        });
      });
    },
    notify(method) {
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method })}\n`);
    },
  };
}

const INITIALIZE = {
  protocolVersion: '2025-06-18',
  capabilities: {},
  clientInfo: { name: 'release-check', version: pkg.version },
};

function expectServerInfo(answer) {
  const info = answer?.result?.serverInfo;
  if (info?.name !== 'g8-mcp-server' || info.version !== pkg.version) {
    fail(`initialize answered ${JSON.stringify(answer).slice(0, 500)}`);
  }
}

function spawnLogged(command, args, options) {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  stopAtExit.push(child);
  return { child, stderr: () => stderr };
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

/** POST one JSON-RPC message to remote mode; answers may come as JSON or as one SSE event. */
async function remoteRequest(url, headers, body) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok && res.status !== 202)
    fail(`remote ${body.method} answered HTTP ${res.status}: ${text.slice(0, 500)}`);
  const json = res.headers.get('content-type')?.includes('text/event-stream')
    ? text
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .find((l) => l.startsWith('{'))
    : text;
  return { session: res.headers.get('mcp-session-id'), message: json ? JSON.parse(json) : undefined };
}

let serverTarball;
let sandboxTarball;
let app;

async function main() {
  process.stdout.write(`release check of g8-mcp-server ${pkg.version} in ${work}\n`);

  await step(
    'npm pack (server and sandbox; builds both)',
    () => {
      const packed = JSON.parse(
        run(NPM, ['pack', '--json', '--pack-destination', work], { cwd: ROOT }).stdout,
      );
      serverTarball = join(work, packed[0].filename);
      const sandboxPacked = JSON.parse(
        run(NPM, ['pack', '--json', '-w', 'g8-sandbox', '--pack-destination', work], { cwd: ROOT }).stdout,
      );
      sandboxTarball = join(work, sandboxPacked[0].filename);
      const mb = (packed[0].size / 1e6).toFixed(2);
      return `${packed[0].filename} ${mb} MB, ${packed[0].entryCount} files; ${sandboxPacked[0].filename}`;
    },
    { fatal: true },
  );

  await step('the tarball holds dist, README, server.json, and no sources, maps or tests', () => {
    const files = run('tar', ['-tzf', serverTarball]).stdout.trim().split('\n');
    for (const needed of [
      'package/package.json',
      'package/README.md',
      'package/server.json',
      'package/dist/bundle/main.js',
      'package/dist/src/entry/g8.js',
      'package/dist/src/entry/http.js',
    ]) {
      if (!files.includes(needed)) fail(`${needed} is missing from the tarball`);
    }
    const stray = files.filter(
      (f) =>
        /^package\/(src|test|packages|bench|scripts|docs)\//.test(f) ||
        f.endsWith('.map') ||
        f.endsWith('.ts'),
    );
    if (stray.length) fail(`the tarball holds files users do not need: ${stray.slice(0, 10).join(', ')}`);
    return `${files.length} files`;
  });

  await step('package.json and server.json agree (mcpName, versions, no native dependency)', () => {
    const server = JSON.parse(readFileSync(join(ROOT, 'server.json'), 'utf8'));
    if (pkg.mcpName !== server.name) fail(`mcpName ${pkg.mcpName} ≠ server.json name ${server.name}`);
    if (server.version !== pkg.version) fail(`server.json version ${server.version} ≠ ${pkg.version}`);
    const npmPackage = server.packages?.find((p) => p.registryType === 'npm');
    if (npmPackage?.identifier !== pkg.name || npmPackage.version !== pkg.version) {
      fail(`server.json's npm package is ${npmPackage?.identifier}@${npmPackage?.version}`);
    }
    if (npmPackage.transport?.type !== 'stdio') fail('server.json: the npm package must run over stdio');
    if (!server.remotes?.some((r) => r.type === 'streamable-http'))
      fail('server.json has no streamable-http remote');
    for (const field of ['dependencies', 'optionalDependencies']) {
      if (pkg[field]?.['better-sqlite3']) fail(`better-sqlite3 is in the server's ${field}`);
    }
    return server.name;
  });

  await step(
    'install the tarball into an empty folder (production dependencies only)',
    () => {
      app = emptyProject('app');
      install(app, [serverTarball]);
    },
    { fatal: true },
  );

  await step('no native module and no g8-sandbox in that install', () => {
    const addons = nativeModules(join(app, 'node_modules'));
    if (addons.length) fail(`native modules installed: ${addons.join(', ')}`);
    if (existsSync(join(app, 'node_modules', 'g8-sandbox'))) fail('g8-sandbox came along with the server');
    return `${readdirSync(join(app, 'node_modules')).length} top-level packages`;
  });

  const bin = (name) => join(app, 'node_modules', '.bin', name);

  await step('g8 --version and g8-mcp-server --version', () => {
    for (const name of ['g8', 'g8-mcp-server']) {
      const out = run(bin(name), ['--version'], { cwd: app }).stdout.trim();
      if (out !== pkg.version) fail(`${name} --version printed "${out}"`);
    }
    return pkg.version;
  });

  await step('stdio handshake: initialize, tools/list', async () => {
    const { child, stderr } = spawnLogged(bin('g8-mcp-server'), [], {
      cwd: app,
      env: { PATH: process.env.PATH, G8_API_KEY: 'g8_test_releasecheck', G8_API_URL: 'http://127.0.0.1:9' },
    });
    try {
      const peer = stdioPeer(child);
      expectServerInfo(await peer.request('initialize', INITIALIZE));
      peer.notify('notifications/initialized');
      const listed = await peer.request('tools/list', {});
      const count = listed.result?.tools?.length ?? 0;
      if (count === 0) fail(`tools/list answered ${JSON.stringify(listed).slice(0, 300)}\n${stderr()}`);
      return `${count} tools`;
    } finally {
      await stopChild(child);
    }
  });

  await step('`g8-mcp-server sandbox` without g8-sandbox: one line saying how to get it', () => {
    const result = run(bin('g8-mcp-server'), ['sandbox', '--port', '0'], { cwd: app, allowFailure: true });
    const lines = result.stderr.trim().split('\n');
    if (result.status !== 1 || lines.length !== 1 || !lines[0].includes('npm install -g g8-sandbox')) {
      fail(`exit ${result.status}, stderr:\n${result.stderr}`);
    }
  });

  await step('remote handshake: --http with X-API-Key against a sandbox', async () => {
    const { startSandbox } = await import('g8-sandbox');
    const sandbox = await startSandbox({ port: 0, dbPath: ':memory:', log: () => {} });
    const { child, stderr } = spawnLogged(bin('g8-mcp-server'), ['--http'], {
      cwd: app,
      env: {
        PATH: process.env.PATH,
        G8_HTTP_PORT: '0',
        G8_API_URL: sandbox.url,
        G8_DATA_DIR: join(work, 'remote-data'),
        G8_LOG_LEVEL: 'info',
      },
    });
    try {
      const url = await new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new CheckFailed(`remote mode did not start:\n${stderr()}`)),
          20_000,
        );
        child.stderr.on('data', () => {
          const found = /"url":"([^"]+\/mcp)"/.exec(stderr());
          if (found) {
            clearTimeout(timer);
            resolve(found[1]);
          }
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new CheckFailed(`remote mode exited with ${code}:\n${stderr()}`));
        });
      });
      const key = { 'x-api-key': sandbox.demoKey };
      const init = await remoteRequest(url, key, {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: INITIALIZE,
      });
      expectServerInfo(init.message);
      const session = init.session ? { ...key, 'mcp-session-id': init.session } : key;
      const headers = { ...session, 'mcp-protocol-version': INITIALIZE.protocolVersion };
      await remoteRequest(url, headers, { jsonrpc: '2.0', method: 'notifications/initialized' });
      const listed = await remoteRequest(url, headers, {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/list',
        params: {},
      });
      const count = listed.message?.result?.tools?.length ?? 0;
      if (count === 0) fail(`remote tools/list answered ${JSON.stringify(listed.message).slice(0, 300)}`);
      const call = await remoteRequest(url, headers, {
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        params: { name: 'g8_search_contacts', arguments: { limit: 1 } },
      });
      if (call.message?.result?.isError !== false && call.message?.result?.isError !== undefined) {
        fail(`remote tools/call failed: ${JSON.stringify(call.message).slice(0, 500)}`);
      }
      if (!call.message?.result)
        fail(`remote tools/call answered ${JSON.stringify(call.message).slice(0, 500)}`);
      return `${count} tools, g8_search_contacts answered`;
    } finally {
      await stopChild(child);
      await sandbox.close();
    }
  });

  await step(
    'server and sandbox tarballs side by side: `sandbox --print-key`; `demo` says it needs a clone',
    () => {
      const both = emptyProject('both');
      install(both, [serverTarball, sandboxTarball]);
      const server = join(both, 'node_modules', '.bin', 'g8-mcp-server');
      const key = run(server, ['sandbox', '--print-key', '--db', 'sb.db'], { cwd: both }).stdout.trim();
      if (!/^g8_test_[A-Za-z0-9_-]{40}$/.test(key)) fail('sandbox --print-key printed no demo key');
      const demo = run(server, ['demo', '--port', '0', '--db', join(both, 'demo', 'sb.db')], {
        cwd: both,
        allowFailure: true,
        timeout: 60_000,
      });
      const lines = demo.stderr.trim().split('\n');
      if (demo.status !== 1 || !lines.at(-1)?.includes('`demo` runs from a clone')) {
        fail(`demo: exit ${demo.status}, stderr:\n${demo.stderr}`);
      }
    },
  );

  await step(
    'npx -y file:<tarball>, empty npm cache, no compiler on PATH: first launch to stdio ready',
    async () => {
      const ms = await firstLaunch();
      const seconds = (ms / 1000).toFixed(1);
      if (ms > FIRST_LAUNCH_LIMIT_MS)
        fail(`first launch took ${seconds} s (target ≤ ${FIRST_LAUNCH_LIMIT_MS / 1000} s)`);
      return `${seconds} s to the initialize answer (target ≤ ${FIRST_LAUNCH_LIMIT_MS / 1000} s)`;
    },
  );
}

/**
 * A PATH with node, npm, npx and sh only (no cc, gcc, make or python), an empty npm cache, and a
 * folder that is not a project: what a desktop client's first `npx -y` spawn meets.
 */
async function firstLaunch() {
  const tools = join(work, 'path');
  mkdirSync(tools);
  const which = (name) => run('sh', ['-c', `command -v ${name}`]).stdout.trim();
  for (const name of ['node', 'npm', 'npx', 'sh']) symlinkSync(which(name), join(tools, name));
  const compilers = run('sh', ['-c', 'command -v cc gcc g++ clang make python3 || true'], {
    env: { PATH: tools },
  }).stdout.trim();
  if (compilers) fail(`the restricted PATH still finds ${compilers}`);
  const cwd = join(work, 'first-launch');
  mkdirSync(cwd);
  const started = performance.now();
  const { child, stderr } = spawnLogged(join(tools, 'npx'), ['-y', `file:${serverTarball}`], {
    cwd,
    env: {
      PATH: tools,
      npm_config_cache: mkdtempSync(join(work, 'npm-cache-')),
      npm_config_update_notifier: 'false',
      G8_API_KEY: 'g8_test_releasecheck',
      G8_API_URL: 'http://127.0.0.1:9',
    },
  });
  try {
    const answer = await stdioPeer(child)
      .request('initialize', INITIALIZE, 120_000)
      .catch((error) => fail(`${error.message}\n${stderr()}`));
    const ms = performance.now() - started;
    expectServerInfo(answer);
    return ms;
  } finally {
    await stopChild(child);
  }
}

try {
  await main();
  if (failed.length) {
    process.stdout.write(`release check FAILED: ${failed.length} check(s): ${failed.join('; ')}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write('release check passed\n');
  }
} catch (error) {
  process.stdout.write(`FAIL ${error instanceof CheckFailed ? error.message : (error?.stack ?? error)}\n`);
  process.exitCode = 1;
} finally {
  for (const child of stopAtExit) await stopChild(child);
  if (process.exitCode) process.stdout.write(`kept ${work} for a look\n`);
  else rmSync(work, { recursive: true, force: true });
}
