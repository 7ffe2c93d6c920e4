/** A sandbox on port 0 with a temporary database, for tests that drive the MCP server against it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SandboxHandle, startSandbox } from '../../packages/sandbox/src/index.js';

export interface TestSandbox extends SandboxHandle {
  /** REST call with the demo key (or another); returns the parsed JSON body and status. */
  // biome-ignore lint/suspicious/noExplicitAny: response JSON is asserted field by field
  rest(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; body: any }>;
  /** Mints a key with these scopes (empty = unrestricted) and returns its token. */
  mintKey(scopes: string[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestSandbox(
  opts: { rateLimit?: { perSecond: number; perMinute: number } } = {},
): Promise<TestSandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'g8-sbx-'));
  const sb = await startSandbox({
    port: 0,
    dbPath: join(dir, 'sandbox.db'),
    rateLimit: opts.rateLimit ?? { perSecond: 100_000, perMinute: 1_000_000 },
    log: () => {},
  });
  const rest: TestSandbox['rest'] = async (method, path, body, key) => {
    const res = await fetch(`${sb.url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key ?? sb.demoKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return {
    ...sb,
    rest,
    async mintKey(scopes: string[]) {
      const res = await rest('POST', '/api-keys', {
        name: `test ${scopes.join(' ') || 'full'}`,
        scopes,
        mode: 'test',
      });
      if (res.status !== 201) throw new Error(`mint failed: ${JSON.stringify(res.body)}`);
      return res.body.data.api_key_token as string;
    },
    async stop() {
      await sb.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh unrestricted key from a running sandbox: one no cache has seen yet. */
export async function mintSandboxKey(sandbox: Pick<SandboxHandle, 'url' | 'demoKey'>): Promise<string> {
  const res = await fetch(`${sandbox.url}/api/v1/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sandbox.demoKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'fresh', scopes: [], mode: 'test' }),
  });
  if (res.status !== 201) throw new Error(`mint failed: ${res.status}`);
  return ((await res.json()) as { data: { api_key_token: string } }).data.api_key_token;
}
