/**
 * Issue 19: with no OTEL variables the OpenTelemetry packages are never loaded, and stdio never
 * loads prom-client: the built server (stdio, the bundled bin, remote mode) runs with a resolve
 * hook that writes down every module it loads (helpers/module-log.mjs). The same runs with the
 * variables set show the hook does see the packages when they load.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnRemote } from '../helpers/http-process.js';
import { httpRaw, stdioRaw } from '../helpers/modern-raw.js';
import { startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const HOOK = fileURLToPath(new URL('../helpers/module-log.mjs', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../../dist/bundle/main.js', import.meta.url));

describe('what a process loads', () => {
  let sandbox: TestSandbox;
  let dir: string;
  let n = 0;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    dir = mkdtempSync(join(tmpdir(), 'g8-ops-lazy-'));
  });
  afterAll(async () => {
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Env that makes the child write the modules it loads to a fresh file; returns both. */
  const logged = () => {
    const file = join(dir, `modules-${n++}.txt`);
    return { file, env: { NODE_OPTIONS: `--import=${HOOK}`, G8_TEST_MODULE_LOG: file } };
  };
  const modules = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

  async function stdioCall(env: Record<string, string>, main?: string) {
    const client = stdioRaw({ G8_API_KEY: sandbox.demoKey, G8_API_URL: sandbox.url, ...env }, main);
    try {
      const answer = await client.request('tools/call', {
        name: 'g8_search_companies',
        arguments: { limit: 1 },
      });
      expect(answer.response.result?.isError).toBeFalsy();
    } finally {
      await client.close();
    }
  }

  it('stdio without OTEL variables: no OpenTelemetry, no prom-client', async () => {
    const { file, env } = logged();
    await stdioCall(env);
    const loaded = modules(file);
    expect(loaded.some((m) => m.includes('/dist/src/entry/stdio.js'))).toBe(true);
    expect(loaded.filter((m) => m.includes('@opentelemetry') || m.includes('prom-client'))).toEqual([]);
  });

  it('stdio with OTEL_EXPORTER_OTLP_ENDPOINT: OpenTelemetry loads (the check can see it)', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const { file, env } = logged();
      await stdioCall({ ...env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
      expect(modules(file).some((m) => m.includes('/node_modules/@opentelemetry/'))).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it('the bundled bin without OTEL variables never loads its OpenTelemetry chunk', async () => {
    const { file, env } = logged();
    await stdioCall(env, BUNDLE);
    const loaded = modules(file);
    expect(loaded.some((m) => /\/dist\/bundle\/chunks\/stdio-/.test(m))).toBe(true);
    expect(loaded.filter((m) => /\/chunks\/otel-/.test(m))).toEqual([]);
  });

  it('the bundled bin with OTEL_EXPORTER_OTLP_ENDPOINT loads that chunk, and its spans arrive', async () => {
    const receiver = await startOtlpReceiver();
    const { file, env } = logged();
    try {
      const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' };
      await stdioCall({ ...env, ...otel }, BUNDLE);
      await receiver.waitFor((s) => s.name === 'tools/call g8_search_companies');
    } finally {
      await receiver.close();
    }
    expect(modules(file).some((m) => /\/chunks\/otel-/.test(m))).toBe(true);
  });

  it('remote mode without OTEL variables or G8_METRICS_PORT: neither loads', async () => {
    const { file, env } = logged();
    const remote = await spawnRemote({ G8_API_URL: sandbox.url, G8_DATA_DIR: join(dir, 'data'), ...env });
    try {
      const answer = await httpRaw(remote.url, sandbox.demoKey).request('tools/call', {
        name: 'g8_search_companies',
        arguments: { limit: 1 },
      });
      expect(answer.response.result?.isError).toBeFalsy();
    } finally {
      await remote.close();
    }
    const loaded = modules(file);
    expect(loaded.some((m) => m.includes('/dist/src/remote/server.js'))).toBe(true);
    expect(loaded.filter((m) => m.includes('@opentelemetry') || m.includes('prom-client'))).toEqual([]);
  });

  it('remote mode with OTEL set but the optional OpenTelemetry packages absent: one line, exit 1', async () => {
    const { env } = logged();
    const failed = spawnRemote({
      G8_API_URL: sandbox.url,
      G8_DATA_DIR: join(dir, 'data'),
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      G8_TEST_MODULE_HIDE: '@opentelemetry/',
      ...env,
    });
    await expect(failed).rejects.toThrow(
      /exited with 1:\s*g8-mcp-server: Traces need the OpenTelemetry packages.*npm install @opentelemetry\/api/,
    );
  });
});
