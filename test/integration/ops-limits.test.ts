/**
 * Issue 19, per-principal limits: the built server in remote mode with a small rate
 * (G8_CALLS_PER_MIN_PER_PRINCIPAL=30: bursts of 3, then one call every 2 s) and in-flight cap (G8_MAX_INFLIGHT_PER_PRINCIPAL=2),
 * against the sandbox behind a proxy that can slow a request down. A principal over its limit gets
 * a 429 tool error saying when to retry, nothing reaches graph8 for it, and other principals are
 * not affected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultProxy } from '../helpers/fault-proxy.js';
import type { RemoteProcess } from '../helpers/http-process.js';
import { httpRaw } from '../helpers/modern-raw.js';
import { type OpsStack, startOpsStack } from '../helpers/ops-stack.js';
import type { TestSandbox } from '../helpers/sandbox.js';

interface ToolError {
  status: number;
  code: string;
  message: string;
  retryable: boolean;
  retry_after_seconds?: number;
}

describe('per-principal call limits', () => {
  let stack: OpsStack;
  let sandbox: TestSandbox;
  let proxy: FaultProxy;
  let remote: RemoteProcess;
  let companyId: number;
  /** Upstream requests for the company record, as the proxy saw them. */
  let fetched = 0;

  beforeAll(async () => {
    stack = await startOpsStack({ G8_CALLS_PER_MIN_PER_PRINCIPAL: '30', G8_MAX_INFLIGHT_PER_PRINCIPAL: '2' });
    ({ sandbox, proxy, remote, companyId } = stack);
  });
  afterAll(() => stack?.close());

  const countFetches = (delayMs = 0) =>
    proxy.setRule(({ path }) => {
      if (path !== `/api/v1/companies/${companyId}`) return undefined;
      fetched++;
      return delayMs ? { delayMs } : undefined;
    });

  const getCompany = async (key: string) => {
    const answer = await httpRaw(remote.url, key).request('tools/call', {
      name: 'g8_get_company',
      arguments: { company_id: companyId },
    });
    expect(answer.status).toBe(200);
    return answer.response.result as { isError?: boolean; structuredContent?: { error?: ToolError } };
  };

  it('over the rate: a 429 tool error with retry_after_seconds, nothing sent; others unaffected', async () => {
    countFetches();
    const key = await sandbox.mintKey([]);
    // The burst of 3 passes (a slow machine may earn a 4th while they run), then a refusal.
    let admitted = 0;
    let refused = await getCompany(key);
    while (!refused.isError && admitted < 5) {
      admitted++;
      refused = await getCompany(key);
    }
    expect(admitted).toBeGreaterThanOrEqual(3);
    expect(admitted).toBeLessThanOrEqual(4);
    const before = fetched;
    refused = await getCompany(key);
    expect(refused.isError).toBe(true);
    const error = refused.structuredContent?.error as ToolError;
    expect(error).toMatchObject({ status: 429, code: 'principal_rate_limited', retryable: true });
    expect(error.retry_after_seconds).toBeGreaterThanOrEqual(1);
    expect(error.retry_after_seconds).toBeLessThanOrEqual(2);
    expect(error.message).toMatch(/G8_CALLS_PER_MIN_PER_PRINCIPAL.*retry in [12] s/);
    expect(fetched).toBe(before);
    // Another principal has its own allowance.
    expect((await getCompany(sandbox.demoKey)).isError).toBeFalsy();
    // After the wait it named, the principal may call again.
    await new Promise((r) => setTimeout(r, (error.retry_after_seconds ?? 2) * 1000 + 100));
    expect((await getCompany(key)).isError).toBeFalsy();
  });

  it('over the in-flight cap: refused at once while two run; the two finish; then room again', async () => {
    countFetches(1500);
    const key = await sandbox.mintKey([]);
    const running = [getCompany(key), getCompany(key)];
    await new Promise((r) => setTimeout(r, 400));
    const before = fetched;
    const started = Date.now();
    const refused = await getCompany(key);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(refused.isError).toBe(true);
    expect(refused.structuredContent?.error).toMatchObject({
      status: 429,
      code: 'principal_inflight_limited',
      retry_after_seconds: 1,
    });
    expect(fetched).toBe(before);
    for (const result of await Promise.all(running)) expect(result.isError).toBeFalsy();
    proxy.setRule(undefined);
    expect((await getCompany(key)).isError).toBeFalsy();
  });
});
