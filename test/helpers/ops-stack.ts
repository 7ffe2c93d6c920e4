/**
 * The stack of the operating tests (issue 19): the real sandbox, the fault proxy in front of it,
 * and the built server in remote mode as a child process talking to graph8 through the proxy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { type RemoteProcess, spawnRemote } from './http-process.js';
import { startTestSandbox, type TestSandbox } from './sandbox.js';

export interface OpsStack {
  readonly sandbox: TestSandbox;
  readonly proxy: FaultProxy;
  readonly remote: RemoteProcess;
  /** A company of the seeded sandbox. */
  readonly companyId: number;
  close(): Promise<void>;
}

export async function startOpsStack(
  env: Record<string, string>,
  opts: { sandboxRate?: { perSecond: number; perMinute: number } } = {},
): Promise<OpsStack> {
  const sandbox = await startTestSandbox(opts.sandboxRate ? { rateLimit: opts.sandboxRate } : {});
  const proxy = await startFaultProxy(sandbox.url);
  const dataDir = mkdtempSync(join(tmpdir(), 'g8-ops-'));
  const remote = await spawnRemote({ G8_API_URL: proxy.url, G8_DATA_DIR: dataDir, ...env });
  const companies = (await sandbox.rest('GET', '/companies?limit=1')).body.data as { id: number }[];
  return {
    sandbox,
    proxy,
    remote,
    companyId: (companies[0] as { id: number }).id,
    async close() {
      await remote.close();
      await proxy.close();
      await sandbox.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
