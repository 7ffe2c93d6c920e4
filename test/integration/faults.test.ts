/**
 * The fault matrix of issue 5, through the built stdio server against a fault-injecting backend
 * (real HTTP on port 0): retries, no double sends, timeouts, bad bodies, cancellation.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultHandler, type RecordingServer, startRecordingServer } from '../helpers/recording-server.js';
import { type StdioSession, startStdio } from '../helpers/stdio.js';

const KEY = `g8_test_${randomBytes(16).toString('hex')}`;

interface Result {
  isError?: boolean;
  structuredContent?: Record<string, unknown> & { error?: { message: string; hint: string; code: string } };
  content: { text: string }[];
}

describe('faults', () => {
  let backend: RecordingServer;
  let session: StdioSession;

  beforeAll(async () => {
    backend = await startRecordingServer();
    session = await startStdio({
      G8_API_KEY: KEY,
      G8_API_URL: backend.url,
      G8_MCP_MODE: 'all',
      G8_CONFIRM: 'never',
      G8_TIMEOUT_MS: '800',
    });
    // GET /me (scope-aware listing) is read once up front, so later request counts are the tool's own.
    await session.client.listTools();
  });
  afterAll(async () => {
    await session.close();
    await backend.close();
    expect(session.stderr()).not.toContain(KEY);
  });
  beforeEach(() => backend.reset());

  const call = async (name: string, args: Record<string, unknown>) =>
    (await session.client.callTool({ name, arguments: args })) as Result;

  /** After every fault the same session must still answer a plain call. */
  async function stillAnswers() {
    backend.reset();
    const ok = await call('g8_get_company', { company_id: 1 });
    expect(ok.isError).toBeFalsy();
  }

  it('429 + Retry-After: 1 on a read: one retry after ≥ 1 s, then success', async () => {
    let n = 0;
    backend.setHandler((req) =>
      n++ === 0
        ? {
            status: 429,
            body: { detail: 'Rate limit exceeded. Please slow down.' },
            headers: { 'retry-after': '1' },
          }
        : defaultHandler(req),
    );
    const started = Date.now();
    const r = await call('g8_search_contacts', {});
    expect(r.isError).toBeFalsy();
    expect(backend.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('503 twice then 200 on a read: success', async () => {
    let n = 0;
    backend.setHandler((req) =>
      n++ < 2 ? { status: 503, body: { detail: 'unavailable' } } : defaultHandler(req),
    );
    const r = await call('g8_get_contact', { contact_id: 5 });
    expect(r.isError).toBeFalsy();
    expect(backend.requests).toHaveLength(3);
  });

  it('500 on g8_send_reply: exactly one request, an error that says to check state', async () => {
    backend.setHandler(() => ({ status: 500, body: { detail: 'upstream exploded' } }));
    const r = await call('g8_send_reply', {
      reply_id: 'thr_1',
      body: 'hi',
      channel: 'sms',
      to: '+15550100',
      from_address: '+15550199',
    });
    expect(r.isError).toBe(true);
    expect(backend.requests).toHaveLength(1);
    expect(r.structuredContent?.error?.hint).toMatch(/do not resend/);
  });

  it('connection reset on g8_send_reply is not retried (it may have been sent)', async () => {
    backend.setHandler(() => ({ destroy: true }));
    const r = await call('g8_send_reply', {
      reply_id: 'thr_1',
      body: 'hi',
      channel: 'sms',
      to: '+15550100',
      from_address: '+15550199',
    });
    expect(r.isError).toBe(true);
    expect(backend.requests).toHaveLength(1);
    await stillAnswers();
  });

  it('connection reset before any response on a write: retried with the same Idempotency-Key', async () => {
    let n = 0;
    backend.setHandler((req) =>
      n++ === 0 ? { destroy: true } : { status: 201, body: { data: { id: 'repo_9', path: req.path } } },
    );
    const r = await call('g8_connect_repo', { repo_url: 'https://github.com/acme/web', repo_name: 'web' });
    expect(r.isError, JSON.stringify(r)).toBeFalsy();
    expect(backend.requests).toHaveLength(2);
    const [a, b] = backend.requests;
    expect(a!.headers['idempotency-key']).toBeTruthy();
    expect(b!.headers['idempotency-key']).toBe(a!.headers['idempotency-key']);
  });

  it('a slow backend gives a timeout error within the budget', async () => {
    backend.setHandler(() => ({ delayMs: 5000, body: { data: {} } }));
    const started = Date.now();
    const r = await call('g8_get_company', { company_id: 1 });
    const elapsed = Date.now() - started;
    expect(r.isError).toBe(true);
    expect(r.structuredContent?.error?.code).toBe('timeout');
    expect(r.structuredContent?.error?.message).toMatch(/800 ms/);
    expect(elapsed).toBeLessThan(2500);
    await stillAnswers();
  });

  it.each([
    [
      'malformed JSON',
      { raw: '{"data": {"id": 1,', headers: { 'content-type': 'application/json' } },
      /not valid JSON/,
    ],
    [
      'an HTML page with 200',
      { raw: '<html><body>login</body></html>', headers: { 'content-type': 'text/html' } },
      /text\/html/,
    ],
    [
      'a wrong content type',
      { raw: '{"data":{"id":1}}', headers: { 'content-type': 'text/plain' } },
      /text\/plain/,
    ],
    ['a 10 MB body', { raw: `{"data":"${'x'.repeat(10 * 1024 * 1024)}"}` }, /exceeded/],
  ])('%s: a clear error, and the server still answers', async (_label, reply, pattern) => {
    backend.setHandler(() => reply);
    const r = await call('g8_get_company', { company_id: 1 });
    expect(r.isError).toBe(true);
    expect(r.structuredContent?.error?.message).toMatch(pattern);
    expect(r.content[0]!.text.length).toBeLessThan(2000);
    await stillAnswers();
  });

  it('cancellation aborts the upstream request', async () => {
    backend.setHandler(() => ({ delayMs: 3000, body: { data: {} } }));
    const controller = new AbortController();
    const pending = session.client.callTool(
      { name: 'g8_get_company', arguments: { company_id: 1 } },
      {
        signal: controller.signal,
      },
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(backend.requests).toHaveLength(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    // The server drops the HTTP request as soon as notifications/cancelled arrives.
    const deadline = Date.now() + 1500;
    while (backend.aborted.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(backend.aborted).toHaveLength(1);
    await stillAnswers();
  });
});
