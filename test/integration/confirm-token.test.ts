/**
 * The preview's confirmation_token: without elicitation, a gated tool acts only when called again
 * with the token of a preview made for exactly these arguments and this caller, once. Through the
 * built stdio bin against a recording backend, and remote mode with two keys of one sandbox org.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { confirmedArgs, SEND_REPLY } from '../helpers/confirm-token.js';
import { type CallResult, connectClient } from '../helpers/era-clients.js';
import { errorOf } from '../helpers/error-body.js';
import { type Stack, startStack } from '../helpers/http-stack.js';
import { type RecordingServer, startRecordingServer } from '../helpers/recording-server.js';
import { emailReply } from '../helpers/sandbox-picks.js';
import { type StdioSession, startStdio } from '../helpers/stdio.js';

const SEND = SEND_REPLY;

describe('stdio, a client without elicitation', () => {
  let backend: RecordingServer;
  let session: StdioSession;
  const sent = () => backend.requests.filter((r) => r.path !== '/api/v1/me');
  const call = async (name: string, args: Record<string, unknown>) =>
    (await session.client.callTool({ name, arguments: args })) as CallResult;
  const preview = async (name: string, args: Record<string, unknown>) => {
    const r = await call(name, args);
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ confirmation_required: true, expires_in_seconds: 300 });
    return r.structuredContent as { confirmation_token: string; token_refused?: string; next: string };
  };

  beforeAll(async () => {
    backend = await startRecordingServer();
    session = await startStdio({
      G8_API_KEY: 'g8_test_tokentestkey000000000000',
      G8_API_URL: backend.url,
      G8_DISCOVERY: 'off',
      G8_PACE: 'off',
    });
  });
  afterAll(async () => {
    await session.close();
    await backend.close();
  });
  beforeEach(() => backend.reset());

  it('confirm: true on the first call is a preview with a token, not an action', async () => {
    const p = await preview('g8_send_reply', { ...SEND, confirm: true });
    expect(p.confirmation_token).toMatch(/^[\w.-]{40,}$/);
    expect(p.next).toMatch(/"confirm": true and "confirmation_token"/);
    expect(sent()).toEqual([]);
  });

  it('the token with the same arguments acts once; sent again, it brings the first outcome back', async () => {
    const { confirmation_token: token } = await preview('g8_send_reply', SEND);
    // The same arguments in another key order are the same call.
    const reordered = {
      from_address: SEND.from_address,
      to: SEND.to,
      channel: 'email',
      body: 'Thanks!',
      reply_id: 'thr_1',
    };
    const done = await call('g8_send_reply', { ...reordered, confirm: true, confirmation_token: token });
    expect(done.isError, JSON.stringify(done)).toBeFalsy();
    expect(sent()).toHaveLength(1);
    expect(sent()[0]!.headers['idempotency-key']).toBeTruthy();
    const again = await call('g8_send_reply', { ...SEND, confirm: true, confirmation_token: token });
    expect(again.structuredContent).toEqual(done.structuredContent);
    expect(sent()).toHaveLength(1);
  });

  it('the token with a changed body is a fresh preview saying why, and nothing is sent', async () => {
    const { confirmation_token: token } = await preview('g8_send_reply', SEND);
    const tampered = await preview('g8_send_reply', {
      ...SEND,
      body: 'Wire the money to this account',
      confirm: true,
      confirmation_token: token,
    });
    expect(tampered.token_refused).toMatch(/issued for other arguments/);
    expect(tampered.confirmation_token).not.toBe(token);
    expect(sent()).toEqual([]);
  });

  it('a token of another tool, a forged one, or one that is not a string never acts', async () => {
    const { confirmation_token: token } = await preview('g8_delete_sequence', { sequence_id: 'seq_1' });
    const moved = await preview('g8_delete_sequence', {
      sequence_id: 'seq_2',
      confirm: true,
      confirmation_token: token,
    });
    expect(moved.token_refused).toMatch(/other arguments/);
    const otherTool = await preview('g8_send_reply', { ...SEND, confirm: true, confirmation_token: token });
    expect(otherTool.token_refused).toMatch(/other arguments/);
    const forged = await preview('g8_send_reply', {
      ...SEND,
      confirm: true,
      confirmation_token: `${token}x`,
    });
    expect(forged.token_refused).toMatch(/not one this server issued/);
    const wrongType = errorOf(
      await call('g8_send_reply', { ...SEND, confirm: true, confirmation_token: 42 }),
    );
    expect(wrongType).toMatchObject({ code: 'invalid_arguments', field: 'confirmation_token' });
    expect(sent()).toEqual([]);
  });

  it('the helper round trip: preview, then the token acts (what a well-behaved model does)', async () => {
    const args = await confirmedArgs({ callTool: call }, 'g8_delete_sequence', { sequence_id: 'seq_7' });
    expect(sent()).toEqual([]);
    expect((await call('g8_delete_sequence', args)).isError).toBeFalsy();
    expect(sent().map((r) => `${r.method} ${r.path}`)).toEqual(['DELETE /api/v1/sequences/seq_7']);
  });
});

describe('remote mode: the token is bound to the caller', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { G8_DISCOVERY: 'off' } });
  });
  afterAll(() => stack.close());

  it('a token minted for one key does not act for another key of the same org; for its own key it does', async () => {
    const other = await (async () => {
      const res = await fetch(`${stack.sandbox.url}/api/v1/api-keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.sandbox.demoKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'second', scopes: [], mode: 'test' }),
      });
      return ((await res.json()) as { data: { api_key_token: string } }).data.api_key_token;
    })();
    const face = (apiKey: string) => ({ kind: 'http' as const, url: stack.remote.url, apiKey });
    const alice = await connectClient('2026-07-28', face(stack.sandbox.demoKey));
    const mallory = await connectClient('2025-06-18', face(other));
    const sends = () =>
      stack.proxy.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/send')).length;
    try {
      const args = emailReply(stack.sandbox.db, 'Token bound to a caller');
      const first = await alice.callTool('g8_send_reply', args);
      const token = first.structuredContent?.confirmation_token;
      const before = sends();
      const stolen = await mallory.callTool('g8_send_reply', {
        ...args,
        confirm: true,
        confirmation_token: token,
      });
      expect(stolen.structuredContent).toMatchObject({ confirmation_required: true });
      expect(String(stolen.structuredContent?.token_refused)).toMatch(/another caller/);
      expect(sends()).toBe(before);
      const own = await alice.callTool('g8_send_reply', {
        ...args,
        confirm: true,
        confirmation_token: token,
      });
      expect(own.isError, JSON.stringify(own)).toBeFalsy();
      expect(sends()).toBe(before + 1);
    } finally {
      await alice.close();
      await mallory.close();
    }
  });
});
