/**
 * Sandbox + recording proxy + remote-mode server, in this process, on ephemeral ports, with a
 * throwaway data directory. The server talks to the sandbox only through the proxy, for both the
 * REST API and the upstream OAuth issuer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { type OAuthOptions, type SandboxHandle, startSandbox } from '../../packages/sandbox/src/index.js';
import { loadConfig } from '../../src/config/load.js';
import { type RemoteOverrides, type RemoteServer, startRemoteServer } from '../../src/remote/server.js';
import { catalogue } from '../../tools/index.js';
import { type RecordingProxy, startRecordingProxy } from './http-proxy.js';

export interface Stack {
  readonly sandbox: SandboxHandle;
  readonly proxy: RecordingProxy;
  readonly remote: RemoteServer;
  readonly dataDir: string;
  /** Everything the server logged (JSON lines), for secret-leak checks. */
  logs(): string;
  /** Starts another server on the same data directory and settings (e.g. after a restart). */
  restart(env?: Record<string, string>): Promise<RemoteServer>;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Extra G8_* settings for the server. */
  readonly env?: Record<string, string>;
  /** Leave "Sign in with graph8" unconfigured. */
  readonly noUpstream?: boolean;
  readonly overrides?: RemoteOverrides;
  /** The sandbox's OAuth provider settings (e.g. a token lifetime a test shortens while running). */
  readonly sandboxOAuth?: OAuthOptions;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'g8-http-'));
  const sandbox = await startSandbox({
    port: 0,
    dbPath: join(dataDir, 'sandbox.db'),
    log: () => {},
    oauth: opts.sandboxOAuth,
  });
  const proxy = await startRecordingProxy(sandbox.url);
  let logText = '';
  // No redaction here, unlike src/platform/log.ts: the leak checks prove no secret is even passed to a log call.
  const logger = pino(
    { level: 'debug' },
    {
      write: (line: string) => {
        logText += line;
      },
    },
  );
  const envFor = (extra: Record<string, string> = {}) => ({
    G8_API_URL: proxy.url,
    G8_HTTP_PORT: '0',
    G8_DATA_DIR: dataDir,
    G8_PACE: 'off',
    ...(opts.noUpstream
      ? {}
      : {
          G8_OAUTH_ISSUER: proxy.url,
          G8_OAUTH_CLIENT_ID: sandbox.oauthClient.clientId,
          G8_OAUTH_CLIENT_SECRET: sandbox.oauthClient.clientSecret,
        }),
    ...opts.env,
    ...extra,
  });
  const overrides = { rateLimit: false as const, ...opts.overrides };
  const remote = await startRemoteServer(loadConfig(envFor()), catalogue, logger, overrides);
  const extra: RemoteServer[] = [];
  return {
    sandbox,
    proxy,
    remote,
    dataDir,
    logs: () => logText,
    async restart(env) {
      const next = await startRemoteServer(loadConfig(envFor(env)), catalogue, logger, overrides);
      extra.push(next);
      return next;
    },
    async close() {
      for (const r of extra) await r.close();
      await remote.close();
      await proxy.close();
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
