/**
 * `g8-mcp-server --http [--port 8080] [--public-url https://…]`: remote mode until SIGINT/SIGTERM.
 * Logs go to stderr; the one line a person needs (the URL to paste) is logged at info.
 */
import { catalogue } from '../../tools/index.js';
import { loadConfig } from '../config/load.js';
import { startTracing, stopTracing } from '../ops/trace.js';
import { createLogger } from '../platform/log.js';
import { setV8Flags, YOUNG_GENERATION_GROWS } from '../platform/v8-flags.js';
import { VERSION } from '../platform/version.js';
import { startRemoteServer } from '../remote/server.js';

export async function runHttp(argv: readonly string[]): Promise<void> {
  // `--http` selects this entry; it is not a setting.
  const config = loadConfig(
    process.env,
    argv.filter((a) => a !== '--http'),
  );
  const logger = createLogger(config.logLevel);
  const tracing = await startTracing(process.env, { name: 'g8-mcp-server', version: VERSION });
  const remote = await startRemoteServer(config, catalogue, logger);
  // Loaded (src/entry/main.ts kept the young generation small for it): under 32 concurrent clients a
  // young generation held at 2 × 1 MB costs ~17% of throughput in scavenges (bench, measured).
  await setV8Flags(YOUNG_GENERATION_GROWS);
  logger.info(
    {
      url: remote.url,
      // Where this process listens (behind a proxy the URL above names the proxy).
      port: remote.port,
      mode: config.mode,
      stateless: Boolean(config.httpStateless),
      sign_in: config.oauthIssuer ? 'graph8 OAuth + API key' : 'API key',
      ...(remote.metricsUrl ? { metrics_url: remote.metricsUrl } : {}),
      tracing,
    },
    `g8-mcp-server remote mode: connect clients to ${remote.url}`,
  );
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    await remote.close().catch(() => {});
    await stopTracing().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
