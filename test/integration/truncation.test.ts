/**
 * A page cut to fit the response budget says so where the model reads paging: `pagination`
 * reports `has_next: true` and the arguments that continue, and following them to the end
 * returns every record once. Through the built stdio bin against the sandbox (200 contacts).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { type StdioSession, startStdio } from '../helpers/stdio.js';

interface Page {
  items: { id: number }[];
  truncated?: boolean;
  pagination: { page: number; limit: number; has_next: boolean; continue_with?: Record<string, number> };
}

let sb: TestSandbox;
let session: StdioSession;
beforeAll(async () => {
  sb = await startTestSandbox();
  session = await startStdio({ G8_API_KEY: sb.demoKey, G8_API_URL: sb.url, G8_MCP_MODE: 'gtm' });
});
afterAll(async () => {
  await session.close();
  await sb.stop();
});

async function search(args: Record<string, unknown>): Promise<Page> {
  const r = await session.client.callTool({ name: 'g8_search_contacts', arguments: args });
  expect(r.isError, JSON.stringify(r).slice(0, 500)).toBeFalsy();
  return r.structuredContent as unknown as Page;
}

it('limit 200 over the budget: truncated, has_next true, and the continuation reaches every record once', async () => {
  const all = await sb.rest('GET', '/contacts?limit=200');
  expect(all.body.pagination).toMatchObject({ total: 200, has_next: false });
  const first = await search({ limit: 200 });
  expect(first.truncated).toBe(true);
  expect(first.items.length).toBeLessThan(200);
  expect(first.pagination).toMatchObject({ page: 1, limit: first.items.length, has_next: true });
  expect(first.pagination.continue_with).toEqual({ page: 2, limit: first.items.length });

  const seen = first.items.map((c) => c.id);
  let page = first;
  for (let i = 0; page.pagination.has_next && i < 50; i++) {
    page = await search(
      page.pagination.continue_with ?? { page: page.pagination.page + 1, limit: page.pagination.limit },
    );
    seen.push(...page.items.map((c) => c.id));
  }
  expect(page.pagination.has_next).toBe(false);
  expect(seen).toEqual(all.body.data.map((c: { id: number }) => c.id));
});

it('a page that fits is left as graph8 sent it', async () => {
  const small = await search({ limit: 5 });
  expect(small.truncated).toBeUndefined();
  expect(small.pagination).toMatchObject({ page: 1, limit: 5, has_next: true });
  expect(small.pagination.continue_with).toBeUndefined();
});
