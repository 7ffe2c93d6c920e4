/**
 * The /audit page as an org admin uses it, in headless Chromium against the built server
 * (`g8-mcp-server --http`) in front of the sandbox: sign in with graph8 (the sandbox's upstream
 * OAuth) or with an API key, read the table and the hourly chart, filter by tool and outcome,
 * page through. A member is refused; another org's admin sees none of this org's records. The
 * page carries the consent page's framing and CSP rules, and its forms refuse a missing CSRF
 * token. A screenshot of the filtered page is kept in test/artifacts/audit-page.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxHandle, startSandbox } from '../../packages/sandbox/src/index.js';
import { allRecords, keyOf, orgIds } from '../helpers/audit.js';
import { launchBrowser, skipWithoutBrowser } from '../helpers/http-browser.js';
import { type RemoteProcess, spawnRemote } from '../helpers/http-process.js';
import { httpRaw } from '../helpers/modern-raw.js';

/** No Chromium here: the tests below are skipped, loudly (see test/helpers/http-browser.ts). */
const SKIP = skipWithoutBrowser(import.meta.url);

const ARTIFACTS = join(process.cwd(), 'test', 'artifacts');
const SCREENSHOT = join(ARTIFACTS, 'audit-page.png');

let dir: string;
let sandbox: SandboxHandle;
let server: RemoteProcess;
let browser: Browser;
let orgs: { demo: string; other: string };
let otherKey: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'g8-audit-e2e-'));
  sandbox = await startSandbox({ port: 0, dbPath: join(dir, 'sandbox.db'), log: () => {} });
  orgs = orgIds(sandbox.db);
  otherKey = keyOf(sandbox.db, orgs.other);
  server = await spawnRemote({
    G8_API_URL: sandbox.url,
    G8_OAUTH_ISSUER: sandbox.url,
    G8_OAUTH_CLIENT_ID: sandbox.oauthClient.clientId,
    G8_OAUTH_CLIENT_SECRET: sandbox.oauthClient.clientSecret,
    G8_DATA_DIR: join(dir, 'data'),
    G8_PACE: 'off',
    G8_DISCOVERY: 'off',
  });
  // Something for the trail: 60 searches, two failed look-ups, invalid arguments; and a call
  // from the other org, which the demo org's readers must never see.
  const ours = httpRaw(server.url, sandbox.demoKey);
  for (let i = 0; i < 60; i++) {
    await ours.request('tools/call', {
      name: 'g8_search_contacts',
      arguments: { limit: 1, page: 1 + (i % 3) },
    });
  }
  for (const id of [999_998, 999_999]) {
    await ours.request('tools/call', { name: 'g8_get_contact', arguments: { contact_id: id } });
  }
  await ours.request('tools/call', { name: 'g8_search_contacts', arguments: { limit: 'many' } });
  await httpRaw(server.url, otherKey).request('tools/call', { name: 'g8_list_campaigns', arguments: {} });
  const until = Date.now() + 5_000;
  while ((await allRecords(server.publicUrl, sandbox.demoKey)).length < 63 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function signInWithGraph8(page: Page, user: RegExp): Promise<void> {
  await page.goto(new URL('/audit', server.publicUrl).href);
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/oauth/authorize'),
    page.getByRole('button', { name: 'Sign in with graph8' }).click(),
  ]);
  await page.getByRole('radio', { name: user }).check();
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/audit' || u.pathname === '/oauth/callback'),
    page.getByRole('button', { name: 'Sign in', exact: true }).click(),
  ]);
}

async function signInWithKey(page: Page, key: string): Promise<void> {
  await page.goto(new URL('/audit', server.publicUrl).href);
  await page.getByLabel('graph8 API key').fill(key);
  await Promise.all([
    page.waitForLoadState(),
    page.getByRole('button', { name: 'Use this API key' }).click(),
  ]);
}

/** The table's rows as [time, tool, tier, outcome, …] cell texts. */
async function rows(page: Page): Promise<string[][]> {
  return page
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
}

describe.skipIf(SKIP)('the /audit page', () => {
  it('an admin signs in with graph8, filters by tool and outcome, pages through', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await signInWithGraph8(page, /Maya Chen/);
      expect(new URL(page.url()).pathname).toBe('/audit');
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
        `Audit trail: Acme Robotics (${orgs.demo})`,
      );
      await expect(page.getByText('Signed in as maya.chen@acmerobotics.com')).toBeTruthy();
      const status = await page.getByRole('status').textContent();
      expect(status).toMatch(/^Records 1–50 of 63, newest first/);
      const chart = await page.getByRole('img').getAttribute('aria-label');
      expect(chart).toMatch(/^Calls per hour by outcome, .* UTC: 63 in all/);
      // The other org's call is nowhere.
      expect((await rows(page)).some((r) => r[1] === 'g8_list_campaigns')).toBe(false);

      await page.getByLabel('Tool', { exact: true }).selectOption('g8_get_contact');
      await page.getByLabel('Outcome', { exact: true }).selectOption('tool_error');
      await Promise.all([
        page.waitForURL(/outcome=tool_error/),
        page.getByRole('button', { name: 'Filter' }).click(),
      ]);
      const errors = await rows(page);
      expect(errors).toHaveLength(2);
      for (const r of errors) {
        expect(r.slice(1, 6)).toEqual(['g8_get_contact', 'read', 'tool_error', 'not_gated', '404']);
        expect(r[9]).toMatch(/^req_/);
      }
      expect(await page.getByRole('img').getAttribute('aria-label')).toMatch(/: 2 in all/);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      // Back to everything from today on: 63 records over two pages, the filters kept on the links.
      const today = new Date().toISOString().slice(0, 10);
      await page.getByLabel('Tool', { exact: true }).selectOption('');
      await page.getByLabel('Outcome', { exact: true }).selectOption('');
      await page.getByLabel('From (UTC)').fill(today);
      await Promise.all([page.waitForURL(/from=/), page.getByRole('button', { name: 'Filter' }).click()]);
      expect(await rows(page)).toHaveLength(50);
      await Promise.all([page.waitForURL(/page=2/), page.getByRole('link', { name: 'Older' }).click()]);
      expect(await rows(page)).toHaveLength(13);
      expect(await page.getByRole('status').textContent()).toMatch(/^Records 51–63 of 63/);
      expect(page.url()).toContain('from=');

      await Promise.all([
        page.waitForURL(/\/audit$/),
        page.getByRole('button', { name: 'Sign out' }).click(),
      ]);
      await expect(page.getByLabel('graph8 API key').isVisible()).resolves.toBe(true);
    } finally {
      await context.close();
    }
  });

  it('a member signing in with graph8 is refused', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await signInWithGraph8(page, /Jordan Ellis/);
      await expect(page.getByRole('alert').textContent()).resolves.toMatch(
        /needs an unrestricted key or one with account:write/,
      );
      expect(await page.locator('table').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it("another org's admin key signs in and sees none of this org's records", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await signInWithKey(page, otherKey);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
        `Audit trail: Globex Partners (${orgs.other})`,
      );
      const seen = await rows(page);
      expect(seen.map((r) => r[1])).toEqual(['g8_list_campaigns']);
      // Asking for this org's tool by URL shows nothing either.
      await page.goto(new URL('/audit?tool=g8_search_contacts', server.publicUrl).href);
      expect(await rows(page)).toEqual([['No records match.']]);
      expect(await page.content()).not.toContain(orgs.demo);
    } finally {
      await context.close();
    }
  });

  it("the consent page's rules: no framing, nothing external, forms only with their CSRF token", async () => {
    const res = await fetch(new URL('/audit', server.publicUrl));
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(
      /default-src 'none'; style-src 'sha256-[^']+'; form-action 'self' http:\/\/127\.0\.0\.1:\d+;/,
    );
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/);

    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
    expect(cookie).toMatch(/^g8_audit_browser=/);
    const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(new URL('/audit/sign-in', server.publicUrl), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...headers },
        body: new URLSearchParams(body),
      });
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] as string;
    expect((await post({ action: 'api_key', api_key: sandbox.demoKey })).status).toBe(403);
    expect((await post({ action: 'api_key', api_key: sandbox.demoKey, csrf: 'x'.repeat(43) })).status).toBe(
      403,
    );
    const foreign = await post(
      { action: 'api_key', api_key: sandbox.demoKey, csrf },
      { origin: 'https://evil.example' },
    );
    expect(foreign.status).toBe(403);
    const good = await post({ action: 'api_key', api_key: sandbox.demoKey, csrf });
    expect(good.status).toBe(303);
    const session = good.headers.get('set-cookie') ?? '';
    expect(session).toMatch(
      /^g8_audit_session=v1:[^;]+; Path=\/audit; HttpOnly; SameSite=Lax; Max-Age=3600$/,
    );
    expect(session).not.toContain(sandbox.demoKey);
    expect(server.stderr()).not.toContain(sandbox.demoKey);

    // Guessing keys on the form meets /mcp's throttle of failed checks (30 a minute per address).
    const guesses: Response[] = [];
    for (let i = 0; i < 31; i++) {
      guesses.push(
        await post({ action: 'api_key', api_key: `g8_test_guess${String(i).padStart(20, '0')}`, csrf }),
      );
    }
    expect(guesses.filter((r) => r.status === 403)).toHaveLength(30);
    const throttled = guesses.find((r) => r.status === 429);
    expect(await throttled?.text()).toMatch(/Too many failed sign-ins from here; try again in \d+ s\./);
  });
});
