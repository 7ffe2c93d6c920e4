// The conformance suite's server under test, on the product's own remote-mode stack.
//
//   npx tsc -p test/conformance/tsconfig.json
//   node dist/conformance/test/conformance/fixture-remote.js              the fixture server (fixture-server.ts)
//   node dist/conformance/test/conformance/fixture-remote.js --product    the product itself, unchanged
//
// Starts, in this process: the sandbox (the local graph8-compatible backend, in memory, port 0) → startRemoteServer
// (src/remote/server.ts) configured against it → the auth proxy (auth-proxy.ts), and prints
// `listening on http://127.0.0.1:PORT/mcp` (the proxy) on stdout, which is what `run.mjs --serve` waits for.
//
// Without --product, `overrides.serve` swaps the product's server factory for fixtureServerFactory: the same
// transports, authentication (the proxy's demo key is checked against the sandbox with GET /me), session registry,
// event store and id guard serve the fixture instead. The fixture never enters the product's catalogue or tool
// lists; this entry lives under test/ and is compiled only by test/conformance/tsconfig.json.
//
// Options: --product; --port N (the proxy's port, default 0); --log-level L (the server's and the sandbox's logs on
// stderr, default silent).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSandbox } from 'g8-sandbox';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/platform/log.js';
import { type RemoteOverrides, startRemoteServer } from '../../src/remote/server.js';
import { catalogue } from '../../tools/index.js';
import { startAuthProxy } from './auth-proxy.js';
import { fixtureEventBus, fixtureServerFactory } from './fixture-server.js';

const { values: opts } = parseArgs({
  options: {
    product: { type: 'boolean', default: false },
    port: { type: 'string', default: '0' },
    'log-level': { type: 'string', default: 'silent' },
  },
});
const quiet = opts['log-level'] === 'silent';
const say = (line: string) => {
  if (!quiet) process.stderr.write(`[fixture-remote] ${line}\n`);
};

const sandbox = await startSandbox({
  port: 0,
  dbPath: ':memory:',
  // The suite's scenarios are many short requests; the product's first tool is called by http-header-validation.
  rateLimit: { perSecond: 100_000, perMinute: 1_000_000 },
  log: quiet ? () => {} : (line) => process.stderr.write(`[sandbox] ${line}\n`),
});
const dataDir = mkdtempSync(join(tmpdir(), 'g8-conformance-'));
// The proxy listens first: it is the public face, so the server's public URL (its canonical resource, allowed
// Host and Origin) is the proxy's origin, as behind any reverse proxy.
const proxy = await startAuthProxy({ apiKey: sandbox.demoKey, port: Number(opts.port) });

// Only what this entry decides: none of the caller's G8_* settings leak in (a G8_API_KEY or G8_PUBLIC_URL in the
// environment would change what is tested).
const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('G8_')),
);
Object.assign(env, {
  G8_API_URL: sandbox.url,
  G8_DATA_DIR: dataDir,
  G8_LOG_LEVEL: opts['log-level'],
  G8_HTTP_HOST: '127.0.0.1',
  G8_HTTP_PORT: '0',
  G8_PUBLIC_URL: proxy.origin,
});
const config = loadConfig(env);
const overrides: RemoteOverrides = opts.product
  ? {}
  : { serve: { buildServer: () => fixtureServerFactory(), bus: fixtureEventBus } };
const remote = await startRemoteServer(config, catalogue, createLogger(config.logLevel), overrides);
proxy.target(remote.port);
say(`${opts.product ? 'product' : 'fixture'} on port ${remote.port}, sandbox ${sandbox.url}`);
process.stdout.write(`listening on ${proxy.origin}/mcp\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await proxy.close().catch(() => {});
  await remote.close().catch(() => {});
  await sandbox.close().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
