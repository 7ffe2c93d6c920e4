#!/usr/bin/env node
// `npm run cluster`: remote mode as N replicas on PostgreSQL and Redis, on one machine, to see it work.
//
// Starts the sandbox (the local graph8 backend), two replicas of the built server (`dist/src/entry/main.js --http`)
// sharing G8_DATABASE_URL (database `g8_cluster`, created if missing), G8_REDIS_URL (key prefix
// `g8-cluster:`) and one G8_MCP_SECRET, and a plain round-robin proxy in front (no session affinity: each
// request goes to the next replica). Prints the URL and the demo key; Ctrl-C stops everything.
//
// The engines: PostgreSQL at 127.0.0.1:5432 (user postgres, trust auth) and Redis at 127.0.0.1:6379, as
// `bash .ci/services.sh` starts them; other ones with G8_CLUSTER_DATABASE_URL / G8_CLUSTER_REDIS_URL.
// Options: --replicas N (default 2), --port P (the proxy's, default 8090).
//
// Any replica answers any request of either era: 2026-07-28 requests are stateless, 2025-era sessions
// are records in Redis that any replica rebuilds, and tasks, confirmations, approvals, OAuth sign-ins
// and budgets are shared (README "Deployment").
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startRoundRobin } from './round-robin.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const { values: opt } = parseArgs({
  options: { replicas: { type: 'string', default: '2' }, port: { type: 'string', default: '8090' } },
});
const replicas = Number(opt.replicas);
const port = Number(opt.port);
if (!Number.isInteger(replicas) || replicas < 1 || replicas > 8) fail('--replicas must be 1-8');
if (!Number.isInteger(port) || port < 0 || port > 65535) fail('--port must be 0-65535');

function fail(message) {
  process.stderr.write(`cluster: ${message}\n`);
  process.exit(1);
}

const adminUrl = process.env.G8_CLUSTER_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.G8_CLUSTER_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The cluster's own database, created on first use. */
async function clusterDatabase() {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    fail(
      `PostgreSQL does not answer at ${new URL(adminUrl).host} (${error.message}); run: bash .ci/services.sh`,
    );
  }
  const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'g8_cluster'");
  if (!found.rowCount) await admin.query('CREATE DATABASE g8_cluster');
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = '/g8_cluster';
  return url.href;
}

async function checkRedis() {
  const { Redis } = await import('ioredis');
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000 });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    fail(`Redis does not answer at ${new URL(redisUrl).host} (${error.message}); run: bash .ci/services.sh`);
  } finally {
    client.disconnect();
  }
}

const children = [];
function startReplica(env, n) {
  return new Promise((resolvePort, reject) => {
    const child = spawn(process.execPath, [join(root, 'dist/src/entry/main.js'), '--http'], {
      env: { ...env, PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let log = '';
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const found = /"port":(\d+)/.exec(log);
      if (found) resolvePort(Number(found[1]));
    });
    child.once('exit', (code) => reject(new Error(`replica ${n} exited with ${code}:\n${log.slice(-2000)}`)));
  });
}

const { startSandbox } = await import('g8-sandbox');
const [databaseUrl] = await Promise.all([clusterDatabase(), checkRedis()]);
const sandbox = await startSandbox({
  port: 0,
  dbPath: join(mkdtempSync(join(tmpdir(), 'g8-cluster-')), 'sandbox.db'),
  log: () => {},
});

// The proxy listens first: its origin is every replica's public URL (tokens are bound to it). Round robin,
// no affinity (scripts/round-robin.mjs, the same proxy the bench's cluster rows go through).
const proxy = await startRoundRobin({ port });
const ports = proxy.targets;
const { origin } = proxy;

const secret = randomBytes(32).toString('base64url');
const common = {
  G8_API_URL: sandbox.url,
  G8_DATABASE_URL: databaseUrl,
  G8_REDIS_URL: redisUrl,
  G8_REDIS_PREFIX: 'g8-cluster:',
  G8_MCP_SECRET: secret,
  G8_PUBLIC_URL: origin,
  G8_HTTP_PORT: '0',
  G8_LOG_LEVEL: 'info',
};
try {
  for (let n = 1; n <= replicas; n++) {
    ports.push(
      `127.0.0.1:${await startReplica({ ...common, G8_DATA_DIR: mkdtempSync(join(tmpdir(), `g8-replica${n}-`)) }, n)}`,
    );
  }
} catch (error) {
  process.stderr.write(`cluster: ${error.message}\n`);
  await stop(1);
}

process.stdout.write(`g8-mcp-server cluster (pids ${children.map((c) => c.pid).join(', ')}): ${replicas} replicas on PostgreSQL and Redis behind a round-robin proxy

  MCP URL   ${origin}/mcp      (each answer names its replica in X-G8-Replica)
  API key   ${sandbox.demoKey}   (the sandbox's demo org; or sign in with OAuth)
  replicas  ${ports.join(', ')}
  sandbox   ${sandbox.url}

Try: claude mcp add --transport http g8-cluster ${origin}/mcp --header "X-API-Key: ${sandbox.demoKey}"
Ctrl-C stops the cluster.
`);

async function stop(code = 0) {
  // A replica may be gone already (killed): its exit has been, so only the live ones are waited for.
  const live = children.filter((c) => c.exitCode === null && c.signalCode === null);
  for (const child of live) child.kill('SIGTERM');
  await Promise.all(live.map((c) => new Promise((r) => c.once('exit', r))));
  proxy.close();
  await sandbox.close();
  process.exit(code);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
