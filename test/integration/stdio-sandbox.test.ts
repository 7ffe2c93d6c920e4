/**
 * End to end through the stdio server against the sandbox: scopes are enforced by the backend and
 * surface as actionable tool errors; the key never leaks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { type StdioSession, startStdio } from '../helpers/stdio.js';

describe('a contacts:read key against the sandbox', () => {
  let sb: TestSandbox;
  let session: StdioSession;
  let key: string;

  beforeAll(async () => {
    sb = await startTestSandbox();
    key = await sb.mintKey(['contacts:read']);
    session = await startStdio({
      G8_API_KEY: key,
      G8_API_URL: sb.url,
      G8_CONFIRM: 'never',
      G8_SCOPE_FILTER: 'off',
    });
  });
  afterAll(async () => {
    await session.close();
    await sb.stop();
    expect(session.stderr()).not.toContain(key);
  });

  it('g8_search_contacts works', async () => {
    const r = await session.client.callTool({ name: 'g8_search_contacts', arguments: { limit: 5 } });
    expect(r.isError).toBeFalsy();
    const data = r.structuredContent as { items: unknown[]; pagination: { total: number } };
    expect(data.items).toHaveLength(5);
    expect(data.pagination.total).toBeGreaterThan(100);
  });

  it('g8_send_reply gets a 403 tool error naming inbox:run', async () => {
    const threads = await sb.rest('GET', '/inbox?channel=email&page_size=1');
    const thread = threads.body.data[0];
    const r = await session.client.callTool({
      name: 'g8_send_reply',
      arguments: {
        reply_id: thread.id,
        body: 'Thanks',
        channel: 'email',
        to: 'ada@acme.test',
        from_address: 'x@acme.test',
      },
    });
    expect(r.isError).toBe(true);
    const error = (r.structuredContent as { error: { status: number; required_scope: string; hint: string } })
      .error;
    expect(error.status).toBe(403);
    expect(error.required_scope).toBe('inbox:run');
    expect(error.hint).toContain('inbox:run');
    expect(JSON.stringify(r)).not.toContain(key);
  });
});
