/**
 * The approval page across replicas: two servers on one Redis prefix and one public URL (as two
 * replicas behind a balancer), G8_CONFIRM=strict, the real sandbox behind the recording proxy. A
 * preview made on A is approved through B's page; the approved call is claimed on either replica
 * and sent once, even when both get it at the same moment. And the same on one server without
 * Redis (the in-memory desk). The page is driven with plain HTTP (the browser test,
 * test/e2e/approval-browser.test.ts, covers how a person sees it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertKey, tokenHash } from '../../packages/sandbox/src/kernel/keys.js';
import type { RemoteServer } from '../../src/remote/server.js';
import { type Engines, freshEngines } from '../helpers/engines.js';
import { tokensViaApiKey } from '../helpers/http-consent.js';
import { type Stack, startStack } from '../helpers/http-stack.js';
import { envelope, httpRaw } from '../helpers/modern-raw.js';
import { type Replicas, startReplicas } from '../helpers/replicas.js';
import { emailReply } from '../helpers/sandbox-picks.js';
import { type TcpCut, tcpCut } from '../helpers/tcp-cut.js';

let replicas: Replicas;
let engines: Engines;
let stack: Stack;
let a: RemoteServer;
let b: RemoteServer;

beforeAll(async () => {
  replicas = await startReplicas({ G8_CONFIRM: 'strict' });
  ({ engines, stack, a, b } = replicas);
});

afterAll(() => replicas?.close());

const origin = (server: RemoteServer) => `http://127.0.0.1:${server.port}`;
const sends = () => stack.proxy.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/send')).length;

async function call(server: RemoteServer, args: Record<string, unknown>) {
  const answer = await httpRaw(`${origin(server)}/mcp`, stack.sandbox.demoKey).request('tools/call', {
    name: 'g8_send_reply',
    arguments: args,
  });
  return answer.response.result as { isError?: boolean; structuredContent?: Record<string, unknown> };
}

/** Opens the page on `server` and posts its form with `action`: what a browser would do. */
async function answerOn(server: RemoteServer, approvalUrl: string, action: 'approve' | 'decline') {
  const path = new URL(approvalUrl).pathname;
  const page = await fetch(`${origin(server)}${path}`);
  expect(page.status).toBe(200);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] as string;
  const posted = await fetch(`${origin(server)}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie,
      origin: new URL(a.publicUrl).origin,
    },
    body: new URLSearchParams({ action, csrf, api_key: stack.sandbox.demoKey }).toString(),
  });
  return { status: posted.status, text: await posted.text() };
}

describe('approvals in memory (no G8_REDIS_URL): the same page on one server', () => {
  let single: Stack;
  beforeAll(async () => {
    single = await startStack({ env: { G8_CONFIRM: 'strict', G8_DISCOVERY: 'off' }, noUpstream: true });
  });
  afterAll(() => single?.close());

  it('approved once, the next call is sent once; declined, nothing is sent', async () => {
    const saved = { stack, a };
    stack = single;
    a = single.remote;
    try {
      const sent = () =>
        single.proxy.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/send')).length;
      const args = emailReply(single.sandbox.db, 'Approved in memory');
      const url = String((await call(a, args)).structuredContent?.approval_url);
      expect((await answerOn(a, url, 'approve')).text).toContain('Approved');
      expect((await fetch(`${origin(a)}${new URL(url).pathname}`)).status).toBe(404);
      const [first, second] = await Promise.all([call(a, args), call(a, args)]);
      expect([first, second].filter((r) => !r.structuredContent?.confirmation_required)).toHaveLength(1);
      expect(sent()).toBe(1);
      const other = emailReply(single.sandbox.db, 'Declined in memory');
      const declined = String((await call(a, other)).structuredContent?.approval_url);
      expect((await answerOn(a, declined, 'decline')).text).toContain('Declined');
      expect((await call(a, other)).structuredContent).toMatchObject({ confirmation_required: true });
      expect(sent()).toBe(1);
    } finally {
      ({ stack, a } = saved);
    }
  });
});

describe('approvals on Redis', () => {
  it('a preview made on A is approved on B; the next call, on A and B at once, is sent once', async () => {
    const args = emailReply(stack.sandbox.db, 'Approved across replicas');
    const start = sends();
    const preview = await call(a, args);
    expect(preview.structuredContent).toMatchObject({ confirmation_required: true });
    const url = String(preview.structuredContent?.approval_url);
    expect(url.startsWith(`${new URL(a.publicUrl).origin}/approve/`)).toBe(true);

    const approved = await answerOn(b, url, 'approve');
    expect(approved.status).toBe(200);
    expect(approved.text).toContain('Approved');
    // Answered on B, the page is gone on A too.
    expect((await fetch(`${origin(a)}${new URL(url).pathname}`)).status).toBe(404);

    const [onA, onB] = await Promise.all([call(a, args), call(b, args)]);
    const acted = [onA, onB].filter((r) => !r.structuredContent?.confirmation_required);
    expect(acted).toHaveLength(1);
    expect(acted[0]?.isError, JSON.stringify(acted[0])).toBeFalsy();
    expect(sends()).toBe(start + 1);
    const again = await call(b, args);
    expect(again.structuredContent).toMatchObject({ confirmation_required: true });
    expect(sends()).toBe(start + 1);
  });

  it('declined on A, nothing is sent from B, and the page cannot be approved afterwards', async () => {
    const args = emailReply(stack.sandbox.db, 'Declined across replicas');
    const start = sends();
    const url = String((await call(b, args)).structuredContent?.approval_url);
    expect((await answerOn(a, url, 'decline')).text).toContain('Declined');
    expect((await fetch(`${origin(b)}${new URL(url).pathname}`)).status).toBe(404);
    expect((await call(b, args)).structuredContent).toMatchObject({ confirmation_required: true });
    expect(sends()).toBe(start);
  });

  it('keeps no key and no argument in Redis in the clear', async () => {
    const keys = await engines.redis().keys(`${engines.redisPrefix}appr*`);
    expect(keys.length).toBeGreaterThan(0);
    const names = keys.join(' ');
    expect(names).not.toContain(stack.sandbox.demoKey);
    for (const key of keys.filter((k) => k.includes('appr:'))) {
      const held = await engines.redis().hgetall(key);
      expect(JSON.stringify(held)).not.toContain(stack.sandbox.demoKey);
      // The call's arguments (a message's text here) are sealed.
      expect(JSON.stringify(held)).not.toContain('across replicas');
    }
  });
});

/** The HTML-escaped value of a form field, as a browser would send it. */
const htmlUnescape = (v: string) =>
  v
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

describe('"Sign in with graph8" on the page: started on A, back on B', () => {
  let r: Replicas;
  beforeAll(async () => {
    r = await startReplicas({ G8_CONFIRM: 'strict' }, undefined, { upstream: true });
  });
  afterAll(() => r?.close());

  it('the graph8 user of the caller’s grant approves; the call is then sent once', async () => {
    // A personal key of a user of the demo org: the grant made with it is that user's.
    const { db } = r.stack.sandbox;
    const org = db
      .prepare('SELECT org_id FROM api_keys WHERE token_hash = ?')
      .get(tokenHash(r.stack.sandbox.demoKey)) as { org_id: string };
    const user = db.prepare('SELECT id, email FROM users WHERE org_id = ? LIMIT 1').get(org.org_id) as {
      id: number;
      email: string;
    };
    const { token: personalKey } = insertKey(db, {
      orgId: org.org_id,
      name: 'personal',
      mode: 'test',
      scopes: [],
      isAgency: false,
      createdBy: user.email,
      userEmail: user.email,
      createdAt: Math.floor(Date.now() / 1000),
      expiresAt: null,
    });
    const sent = () =>
      r.stack.proxy.requests.filter((q) => q.method === 'POST' && q.url.endsWith('/send')).length;
    const tokens = await tokensViaApiKey(r.a.publicUrl, personalKey);
    const args = emailReply(r.stack.sandbox.db, 'Approved by signing in');
    const callAs = async (server: RemoteServer) => {
      const res = await fetch(`${origin(server)}/mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          authorization: `Bearer ${tokens.access_token}`,
          'mcp-protocol-version': '2026-07-28',
          'mcp-method': 'tools/call',
          'mcp-name': 'g8_send_reply',
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'g8_send_reply', arguments: args, _meta: envelope() },
        }),
      });
      const text = await res.text();
      const line = text.split('\n').find((l) => l.startsWith('data: ')) ?? `data: ${text}`;
      return (JSON.parse(line.slice(6)) as { result: { structuredContent?: Record<string, unknown> } })
        .result;
    };
    const start = sent();
    const url = new URL(String((await callAs(r.a)).structuredContent?.approval_url));
    const page = await fetch(`${origin(r.b)}${url.pathname}`);
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] as string;
    const toGraph8 = await fetch(`${origin(r.b)}${url.pathname}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: url.origin },
      body: new URLSearchParams({ action: 'graph8', csrf }).toString(),
    });
    expect(toGraph8.status, await toGraph8.clone().text()).toBe(303);
    // graph8's (the sandbox's) sign-in page: sign in as the user the grant was made for.
    const login = new URL(toGraph8.headers.get('location') as string);
    const loginHtml = await (await fetch(login)).text();
    const userId = String(user.id);
    const form = new URLSearchParams({ action: 'login', user_id: userId });
    for (const [, name, value] of loginHtml.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
      form.set(name as string, htmlUnescape(value as string));
    const signedIn = await fetch(new URL('/oauth/authorize', login), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const back = new URL(signedIn.headers.get('location') as string);
    expect(back.pathname).toBe('/oauth/callback');
    // Back on A (the balancer's choice), with the browser's cookie from B's page.
    const approved = await fetch(`${origin(r.a)}${back.pathname}${back.search}`, { headers: { cookie } });
    expect(await approved.text()).toContain('Approved');
    expect(approved.status).toBe(200);
    // The same sign-in's answer replayed does nothing: its state was taken.
    const replay = await fetch(`${origin(r.b)}${back.pathname}${back.search}`, { headers: { cookie } });
    expect(await replay.text()).not.toContain('Approved:');
    expect(sent()).toBe(start);
    const [first, second] = await Promise.all([callAs(r.b), callAs(r.a)]);
    expect([first, second].filter((x) => !x.structuredContent?.confirmation_required)).toHaveLength(1);
    expect(sent()).toBe(start + 1);
  });
});

describe('approvals while Redis cannot answer', () => {
  let faults: { engines: Engines; redis: TcpCut; stack: Stack } | undefined;
  beforeAll(async () => {
    const engines = await freshEngines();
    const redis = await tcpCut(6379);
    const stack = await startStack({
      env: {
        ...engines.env,
        G8_REDIS_URL: `redis://127.0.0.1:${redis.port}`,
        G8_CONFIRM: 'strict',
        G8_DISCOVERY: 'off',
      },
      noUpstream: true,
    });
    faults = { engines, redis, stack };
  });
  afterAll(async () => {
    await faults?.stack.close();
    await faults?.redis.close();
    await faults?.engines.drop();
  });

  it('the page answers 503 with Retry-After, a preview comes without a link, nothing is sent; all back after', async () => {
    const { stack: s, redis } = faults as NonNullable<typeof faults>;
    const saved = { stack, a };
    stack = s;
    a = s.remote;
    try {
      const args = emailReply(s.sandbox.db, 'Approved after an outage');
      const url = new URL(String((await call(a, args)).structuredContent?.approval_url));
      redis.cut();
      const page = await fetch(`${origin(a)}${url.pathname}`);
      expect(page.status).toBe(503);
      expect(page.headers.get('retry-after')).toBe('5');
      expect(await page.text()).toContain('Try again shortly');
      const preview = await call(a, args);
      expect(preview.structuredContent).toMatchObject({ confirmation_required: true });
      expect(preview.structuredContent?.approval_url).toBeUndefined();
      expect(s.logs().match(/approval pages ask to try again/g)).toHaveLength(1);
      redis.restore();
      let again = 0;
      for (let i = 0; i < 50 && again !== 200; i++) {
        await new Promise((r) => setTimeout(r, 200));
        again = (await fetch(`${origin(a)}${url.pathname}`)).status;
      }
      expect(again).toBe(200);
      expect((await answerOn(a, url.href, 'approve')).text).toContain('Approved');
      expect((await call(a, args)).structuredContent).not.toHaveProperty('confirmation_required');
    } finally {
      ({ stack, a } = saved);
    }
  });
});
