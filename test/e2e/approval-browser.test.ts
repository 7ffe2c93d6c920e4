/**
 * The approval page as a person uses it, in headless Chromium, with G8_CONFIRM=strict in remote
 * mode: a model's gated call gets a preview naming an approval URL (and no token it could echo);
 * the page shows the exact call; only the caller's own key approves it; the model's next identical
 * call then goes through, once. The server talks to the sandbox through a recording proxy.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectClient, type EraClient } from '../helpers/era-clients.js';
import { launchBrowser } from '../helpers/http-browser.js';
import { type Stack, startStack } from '../helpers/http-stack.js';
import { emailReply } from '../helpers/sandbox-picks.js';

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
    await page.getByRole('button', { name: button }).click();
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

it('strict: preview with an approval URL only; the caller’s own key approves; the next call goes through once', async () => {
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
});

it('declining sends nothing; a form posted without the page’s cookie and CSRF token is refused', async () => {
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
});
