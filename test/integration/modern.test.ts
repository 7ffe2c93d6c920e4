/**
 * MCP 2026-07-28 as the product serves it, over remote mode and stdio, with a hand-written client:
 * server/discover, the unsupported-version error, header checks, cache hints, per-request log
 * level, and confirmation through input-required results — where a tampered, altered, replayed
 * or misplaced requestState sends nothing. Every graph8 request goes through a recording proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODERN_VERSIONS } from '../../src/entry/stdio-version-guard.js';
import { errorOf } from '../helpers/error-body.js';
import { type Stack, startStack } from '../helpers/http-stack.js';
import { httpRaw, type RawClient, stdioRaw } from '../helpers/modern-raw.js';
import { emailReply } from '../helpers/sandbox-picks.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { G8_DISCOVERY: 'off' } });
}, 30_000);

afterAll(async () => {
  await stack?.close();
});

const sends = () => stack.proxy.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/send'));
const ELICIT = { elicitation: { form: {} } };
const reply = (tag: string) => ({
  name: 'g8_send_reply',
  arguments: emailReply(stack.sandbox.db, `Hello (${tag})`),
});

const FACES = {
  http: (): RawClient => httpRaw(stack.remote.url, stack.sandbox.demoKey),
  stdio: (env: Record<string, string> = {}): RawClient =>
    stdioRaw({
      G8_API_KEY: stack.sandbox.demoKey,
      G8_API_URL: stack.proxy.url,
      G8_DISCOVERY: 'off',
      G8_PACE: 'off',
      ...env,
    }),
};

describe.each(['http', 'stdio'] as const)('2026-07-28 over %s', (face) => {
  let client: RawClient;
  beforeAll(() => {
    client = FACES[face]();
  });
  afterAll(() => client.close());

  it('server/discover names the versions, capabilities, icon and a cache hint', async () => {
    const { response } = await client.request('server/discover');
    const result = response.result as Record<string, unknown>;
    expect(result.supportedVersions).toEqual(MODERN_VERSIONS);
    expect(result.capabilities).toMatchObject({ tools: {}, resources: {}, prompts: {} });
    expect(JSON.stringify(result)).toMatch(/data:image\/svg\+xml;base64/);
    expect(result).toMatchObject({ ttlMs: expect.any(Number), cacheScope: 'public' });
  });

  it('lists carry private cache hints; tools have titles', async () => {
    const tools = (await client.request('tools/list')).response.result as Record<string, unknown>;
    expect(tools).toMatchObject({ ttlMs: 60_000, cacheScope: 'private' });
    for (const tool of tools.tools as { title?: string }[]) expect(tool.title).toBeTruthy();
    const prompts = (await client.request('prompts/list')).response.result;
    expect(prompts).toMatchObject({ cacheScope: 'private', ttlMs: expect.any(Number) });
  });

  it('an unsupported protocol version is refused naming the supported ones', async () => {
    const { response } = await client.request('tools/list', {}, { version: '2099-01-01' });
    expect(response.error?.code).toBe(-32022);
    expect(response.error?.data?.supported).toContain('2026-07-28');
  });

  it('logs only at the level a request asks for', async () => {
    const quiet = await client.request('tools/call', { name: 'g8_whoami', arguments: {} });
    expect(quiet.notifications.filter((n) => n.method === 'notifications/message')).toEqual([]);
    const loud = await client.request(
      'tools/call',
      { name: 'g8_search_contacts', arguments: { limit: 1 } },
      { logLevel: 'debug' },
    );
    const logs = loud.notifications.filter((n) => n.method === 'notifications/message');
    expect(logs.map((n) => (n.params as { data: { event: string } }).data.event)).toContain('tool_call');
  });

  describe('confirmation through input-required results', () => {
    async function ask(tag: string) {
      const first = await client.request('tools/call', reply(tag), { capabilities: ELICIT });
      const result = first.response.result as {
        resultType: string;
        inputRequests: Record<string, { method: string; params: { message: string } }>;
        requestState: string;
      };
      expect(result.resultType).toBe('input_required');
      expect(result.inputRequests.confirm?.method).toBe('elicitation/create');
      return result.requestState;
    }
    const answer = (tag: string, requestState: string, action = 'accept') =>
      client.request(
        'tools/call',
        {
          ...reply(tag),
          inputResponses: {
            confirm: { action, ...(action === 'accept' ? { content: { confirm: true } } : {}) },
          },
          requestState,
        },
        { capabilities: ELICIT },
      );

    it('asks, sends nothing; the accepted answer sends once; a replay gets the same outcome and sends nothing', async () => {
      const before = sends().length;
      const state = await ask(`${face} accept`);
      expect(sends().length).toBe(before);
      const done = await answer(`${face} accept`, state);
      expect(done.response.result?.isError, JSON.stringify(done.response)).toBeFalsy();
      expect(sends().length - before).toBe(1);
      const replay = await answer(`${face} accept`, state);
      expect(replay.response.result).toEqual(done.response.result);
      expect(sends().length - before).toBe(1);
    });

    it('a declined answer sends nothing', async () => {
      const before = sends().length;
      const state = await ask(`${face} decline`);
      const declined = await answer(`${face} decline`, state, 'decline');
      expect(declined.response.result?.structuredContent).toMatchObject({ cancelled: true });
      expect(sends().length).toBe(before);
    });

    it('a tampered or forged requestState is refused and sends nothing', async () => {
      const before = sends().length;
      const state = await ask(`${face} tamper`);
      // One character in the middle of the MAC (the last one may carry only padding bits).
      const at = state.length - 10;
      const flipped = `${state.slice(0, at)}${state[at] === 'A' ? 'B' : 'A'}${state.slice(at + 1)}`;
      for (const bad of [flipped, 'v1.eyJwIjp7fX0.AAAA', 'not-a-state']) {
        const r = await answer(`${face} tamper`, bad);
        expect(r.response.error?.code, JSON.stringify(r.response)).toBe(-32602);
        expect(r.response.error?.message).toBe('Invalid or expired requestState');
      }
      expect(sends().length).toBe(before);
    });

    it('a state moved to other arguments is refused and sends nothing', async () => {
      const before = sends().length;
      const state = await ask(`${face} original`);
      const moved = await answer(`${face} altered`, state);
      expect(moved.response.result?.isError).toBe(true);
      expect(JSON.stringify(moved.response.result)).toMatch(/belongs to another call/);
      expect(sends().length).toBe(before);
    });

    it('a client without elicitation gets the preview instead', async () => {
      const { response } = await client.request('tools/call', reply(`${face} preview`));
      expect(response.result?.structuredContent).toMatchObject({ confirmation_required: true });
    });
  });
});

describe('remote mode: the 2026 header checks', () => {
  it('a Mcp-Method header that contradicts the body is refused', async () => {
    const client = httpRaw(stack.remote.url, stack.sandbox.demoKey);
    const r = await client.request('tools/list', {}, { headers: { 'mcp-method': 'prompts/list' } });
    expect(r.status).toBe(400);
    expect(r.response.error?.code).toBe(-32020);
  });

  it('a state from another server (another key) is refused and sends nothing', async () => {
    const first = await httpRaw(stack.remote.url, stack.sandbox.demoKey).request(
      'tools/call',
      reply('owner'),
      {
        capabilities: ELICIT,
      },
    );
    const state = (first.response.result as { requestState: string }).requestState;
    // stdio is another process with a key of its own: remote mode's state means nothing there.
    const stdio = FACES.stdio();
    try {
      const before = sends().length;
      const r = await stdio.request(
        'tools/call',
        {
          ...reply('owner'),
          inputResponses: { confirm: { action: 'accept', content: { confirm: true } } },
          requestState: state,
        },
        { capabilities: ELICIT },
      );
      expect(r.response.error?.code).toBe(-32602);
      expect(sends().length).toBe(before);
    } finally {
      await stdio.close();
    }
  });
});

describe('G8_CONFIRM=strict', () => {
  it('a gated call from a client without elicitation is refused, saying why; a token does not help', async () => {
    const client = FACES.stdio({ G8_CONFIRM: 'strict' });
    try {
      const before = sends().length;
      const { response } = await client.request('tools/call', reply('strict'));
      const error = errorOf(response.result);
      expect(error).toMatchObject({ code: 'confirmation_unavailable', status: null });
      expect(error.message).toMatch(/does not support elicitation/);
      expect(error.hint).toMatch(/on stdio with G8_CONFIRM=strict only an elicitation can ask one/);
      const withToken = await client.request('tools/call', {
        ...reply('strict'),
        arguments: { ...(reply('strict').arguments as object), confirm: true, confirmation_token: 'x' },
      });
      expect(errorOf(withToken.response.result).code).toBe('confirmation_unavailable');
      expect(sends().length).toBe(before);
    } finally {
      await client.close();
    }
  });
});
