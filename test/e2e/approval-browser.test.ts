/**
 * The approval page as a person uses it, in headless Chromium, with G8_CONFIRM=strict in remote
 * mode: a model's gated call gets a preview naming an approval URL (and no token it could echo);
 * the page shows the exact call; only the caller's own key approves it; the model's next identical
 * call then goes through, once. The server talks to the sandbox through a recording proxy.
 */
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectClient, type EraClient } from '../helpers/era-clients.js';
import { launchBrowser, signInWithGraph8, skipWithoutBrowser } from '../helpers/http-browser.js';
import { startCallbackServer, TestOAuthProvider } from '../helpers/http-oauth-client.js';
import { type Stack, startStack } from '../helpers/http-stack.js';
import { emailReply } from '../helpers/sandbox-picks.js';

/** No Chromium here: the tests below are skipped, loudly (see test/helpers/http-browser.ts). */
const SKIP = skipWithoutBrowser(import.meta.url);

let stack: Stack;
let browser: Browser;
let model: EraClient;
let otherKey: string;

const sends = () => stack.proxy.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/send')).length;

beforeAll(async () => {
  stack = await startStack({ env: { G8_CONFIRM: 'strict', G8_DISCOVERY: 'off' } });
  browser = await launchBrowser();
  model = await connectClient('2026-07-28', {
    kind: 'http',
    url: stack.remote.url,
    apiKey: stack.sandbox.demoKey,
  });
  const res = await fetch(`${stack.sandbox.url}/api/v1/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.sandbox.demoKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'someone else', scopes: [], mode: 'test' }),
  });
  otherKey = ((await res.json()) as { data: { api_key_token: string } }).data.api_key_token;
});

afterAll(async () => {
  await model?.close();
  await browser?.close();
  await stack?.close();
});

/** Opens the page, signs in with `key` and presses a button; returns the page's heading and text. */
async function answer(url: string, key: string, button: 'Approve' | 'Decline') {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    const shown = await page.goto(url);
    const headers = shown?.headers() ?? {};
    const before = {
      tool: await page.locator('#tool').textContent(),
      summary: await page.locator('#summary').textContent(),
      args: JSON.parse((await page.locator('#arguments').textContent()) ?? 'null') as unknown,
    };
    if (button === 'Approve') await page.getByLabel('graph8 API key').fill(key);
    await page.getByRole('button', { name: button, exact: true }).click();
    await page.waitForLoadState();
    return {
      headers,
      before,
      heading: await page.locator('h1').textContent(),
      text: (await page.locator('main').textContent()) ?? '',
    };
  } finally {
    await context.close();
  }
}

it.skipIf(SKIP)(
  'strict: preview with an approval URL only; the caller’s own key approves; the next call goes through once',
  async () => {
    const args = emailReply(stack.sandbox.db, 'Approved in a browser');
    const start = sends();
    const preview = await model.callTool('g8_send_reply', args);
    const p = preview.structuredContent as Record<string, unknown>;
    expect(p).toMatchObject({ confirmation_required: true, tool: 'g8_send_reply' });
    expect(p.confirmation_token).toBeUndefined();
    const url = String(p.approval_url);
    expect(url).toMatch(new RegExp(`^${new URL(stack.remote.url).origin}/approve/[\\w-]{32}$`));

    // The model cannot approve by itself: confirm and a made-up token are just another preview.
    const pushy = await model.callTool('g8_send_reply', { ...args, confirm: true, confirmation_token: 'x' });
    expect(pushy.structuredContent).toMatchObject({ confirmation_required: true });
    expect(sends()).toBe(start);

    // Another key of the same org is not the caller.
    const wrong = await answer(url, otherKey, 'Approve');
    expect(wrong.headers['x-frame-options']).toBe('DENY');
    expect(wrong.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(wrong.headers['cache-control']).toBe('no-store');
    expect(wrong.before).toEqual({
      tool: 'g8_send_reply',
      summary: expect.stringMatching(/^g8_send_reply: /),
      args,
    });
    expect(wrong.text).toMatch(/asked for by another graph8 key or user/);
    expect((await model.callTool('g8_send_reply', args)).structuredContent).toMatchObject({
      confirmation_required: true,
    });
    expect(sends()).toBe(start);

    // The caller's key: approved; the model's next identical call is sent, and only once.
    const right = await answer(url, stack.sandbox.demoKey, 'Approve');
    expect(right.heading).toBe('Approved');
    expect(right.text).not.toContain(stack.sandbox.demoKey);
    const changed = await model.callTool('g8_send_reply', { ...args, body: 'Something else' });
    expect(changed.structuredContent).toMatchObject({ confirmation_required: true });
    expect(sends()).toBe(start);
    const done = await model.callTool('g8_send_reply', args);
    expect(done.isError, JSON.stringify(done)).toBeFalsy();
    expect(done.structuredContent).not.toHaveProperty('confirmation_required');
    expect(sends()).toBe(start + 1);
    const again = await model.callTool('g8_send_reply', args);
    expect(again.structuredContent).toMatchObject({ confirmation_required: true });
    expect(sends()).toBe(start + 1);

    // An answered approval's page is gone.
    const reopened = await fetch(url);
    expect(reopened.status).toBe(404);
  },
);

it.skipIf(SKIP)(
  'declining sends nothing; a form posted without the page’s cookie and CSRF token is refused',
  async () => {
    const args = emailReply(stack.sandbox.db, 'Declined in a browser');
    const start = sends();
    const url = String((await model.callTool('g8_send_reply', args)).structuredContent?.approval_url);
    const forged = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        action: 'approve',
        api_key: stack.sandbox.demoKey,
        csrf: 'guess',
      }).toString(),
    });
    expect(forged.status).toBe(403);
    const crossSite = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: new URLSearchParams({ action: 'approve', api_key: stack.sandbox.demoKey }).toString(),
    });
    expect(crossSite.status).toBe(403);
    const declined = await answer(url, stack.sandbox.demoKey, 'Decline');
    expect(declined.heading).toBe('Declined');
    expect((await model.callTool('g8_send_reply', args)).structuredContent).toMatchObject({
      confirmation_required: true,
    });
    expect(sends()).toBe(start);
  },
);

/** An MCP client signed in through the consent page with "Sign in with graph8" as Maya Chen. */
async function oauthModel(): Promise<Client> {
  const callback = await startCallbackServer();
  const provider = new TestOAuthProvider(callback.url, 'Approval E2E');
  const url = new URL(stack.remote.url);
  try {
    const first = new StreamableHTTPClientTransport(url, { authProvider: provider });
    await expect(new Client({ name: 'e2e', version: '1' }).connect(first)).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    await signInWithGraph8(browser, provider.authorizationUrl as URL, {
      user: /Maya Chen/,
      callbackUrl: callback.url,
    });
    await first.finishAuth((await callback.next()).code as string);
    const client = new Client({ name: 'e2e', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
    return client;
  } finally {
    await callback.close();
  }
}

/** Opens the approval page and signs in with graph8 as `user` on the sandbox's sign-in page. */
async function approveAsGraph8User(url: string, user: RegExp): Promise<string> {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(url);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/oauth/authorize'),
      page.getByRole('button', { name: 'Sign in with graph8 and approve' }).click(),
    ]);
    await page.getByRole('radio', { name: user }).check();
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/oauth/callback'),
      page.getByRole('button', { name: 'Sign in', exact: true }).click(),
    ]);
    return (await page.locator('main').textContent()) ?? '';
  } finally {
    await context.close();
  }
}

it.skipIf(SKIP)(
  'an OAuth caller: only the graph8 user of the grant approves, by signing in with graph8',
  async () => {
    const client = await oauthModel();
    try {
      const args = emailReply(stack.sandbox.db, 'Approved by the grant user');
      const start = sends();
      const call = async () =>
        (await client.callTool({ name: 'g8_send_reply', arguments: args })) as {
          isError?: boolean;
          structuredContent?: Record<string, unknown>;
        };
      const url = String((await call()).structuredContent?.approval_url);
      expect(url).toContain('/approve/');
      // Another user of the same org is not the caller.
      expect(await approveAsGraph8User(url, /Jordan Ellis/)).toMatch(
        /asked for by another graph8 key or user/,
      );
      expect((await call()).structuredContent).toMatchObject({ confirmation_required: true });
      expect(sends()).toBe(start);
      const url2 = String((await call()).structuredContent?.approval_url);
      expect(await approveAsGraph8User(url2, /Maya Chen/)).toMatch(/^\s*Approved/);
      const done = await call();
      expect(done.isError, JSON.stringify(done)).toBeFalsy();
      expect(sends()).toBe(start + 1);
    } finally {
      await client.close();
    }
  },
);
