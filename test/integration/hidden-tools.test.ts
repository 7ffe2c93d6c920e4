/**
 * A tool this connection does not serve, called anyway: the model is told why (read-only, the
 * tool selection, another mode) and the one change that reaches it, as a tool error; making that
 * change reaches it. Through the built stdio bin and remote mode's URL, against the sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient } from '../helpers/era-clients.js';
import { errorOf } from '../helpers/error-body.js';
import { type Stack, startStack } from '../helpers/http-stack.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { startStdio } from '../helpers/stdio.js';

describe('stdio', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox();
  });
  afterAll(() => sb.stop());

  const env = (extra: Record<string, string>) => ({
    G8_API_KEY: sb.demoKey,
    G8_API_URL: sb.url,
    G8_DISCOVERY: 'off',
    G8_CONFIRM: 'never',
    ...extra,
  });

  it('read-only and the selection each say what to change, and the change reaches the tool', async () => {
    const narrow = await startStdio(
      env({ G8_TOOLSETS: 'contacts,inbox', G8_READ_ONLY: '1', G8_MCP_MODE: 'gtm' }),
    );
    try {
      const readOnly = errorOf(
        await narrow.client.callTool({ name: 'g8_tag_reply', arguments: { reply_id: 'x', tag_ids: ['t'] } }),
      );
      expect(readOnly).toMatchObject({ code: 'read_only', status: null, type: 'unavailable_tool' });
      expect(readOnly.hint).toBe(
        'Nothing was sent. `g8_tag_reply` changes data and this connection is read-only; remove G8_READ_ONLY (or --read-only) from the MCP client config of this server and restart it.',
      );
      const unselected = errorOf(
        await narrow.client.callTool({ name: 'g8_search_companies', arguments: {} }),
      );
      expect(unselected).toMatchObject({ code: 'tool_not_selected', status: null });
      expect(unselected.hint).toContain(
        'add `companies` to G8_TOOLSETS (or `g8_search_companies` to G8_TOOLS)',
      );
      const otherMode = errorOf(
        await narrow.client.callTool({ name: 'g8_doctor', arguments: { repo_id: 'r' } }),
      );
      expect(otherMode).toMatchObject({ code: 'tool_not_in_mode' });
      expect(otherMode.hint).toContain('`g8_doctor` is a dev-mode tool');
      expect(otherMode.hint).toContain('set G8_MCP_MODE=dev');
    } finally {
      await narrow.close();
    }
    // Following the hints: companies added, read-only off.
    const wide = await startStdio(env({ G8_TOOLSETS: 'contacts,inbox,companies', G8_MCP_MODE: 'gtm' }));
    try {
      const companies = await wide.client.callTool({ name: 'g8_search_companies', arguments: { limit: 1 } });
      expect(companies.isError).toBeFalsy();
      const threads = await wide.client.callTool({ name: 'g8_list_inbox', arguments: {} });
      const thread = (
        threads.structuredContent as { items: { id: string; tags: { id: string }[] }[] }
      ).items.find((t) => t.tags.length)!;
      const tagged = await wide.client.callTool({
        name: 'g8_tag_reply',
        arguments: { reply_id: thread.id, tag_ids: [thread.tags[0]!.id] },
      });
      expect(tagged.isError, JSON.stringify(tagged)).toBeFalsy();
    } finally {
      await wide.close();
    }
  });
});

describe('remote mode', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { G8_CONFIRM: 'never', G8_DISCOVERY: 'off' } });
  });
  afterAll(() => stack.close());

  it.each(['2025-06-18', '2026-07-28'] as const)(
    '%s: the URL read_only=1 and toolsets say how to reach a tool',
    async (era) => {
      const face = (query: string) => ({
        kind: 'http' as const,
        url: `${stack.remote.url}?${query}`,
        apiKey: stack.sandbox.demoKey,
      });
      const narrow = await connectClient(era, face('mode=gtm&toolsets=inbox,contacts&read_only=1'));
      try {
        const readOnly = errorOf(await narrow.callTool('g8_tag_reply', { reply_id: 'x', tag_ids: ['t'] }));
        expect(readOnly.code).toBe('read_only');
        expect(readOnly.hint).toContain('connect to the /mcp URL without `read_only=1`');
        const unselected = errorOf(await narrow.callTool('g8_search_companies', {}));
        expect(unselected.hint).toContain(
          'connect with `toolsets=companies` (or `tools=g8_search_companies`) on the /mcp URL',
        );
        const unknown = errorOf(await narrow.callTool('g8_nope', {}));
        expect(unknown).toMatchObject({ code: 'unknown_tool', message: 'Unknown tool: g8_nope' });
      } finally {
        await narrow.close();
      }
      const wide = await connectClient(era, face('mode=gtm&toolsets=inbox,contacts,companies'));
      try {
        expect((await wide.callTool('g8_search_companies', { limit: 1 })).isError).toBeFalsy();
      } finally {
        await wide.close();
      }
    },
  );
});
