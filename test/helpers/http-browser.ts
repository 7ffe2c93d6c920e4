/**
 * Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) completing the
 * consent page the way a person would: by the visible labels and button names.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.G8_TEST_CHROMIUM ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface SignInOptions {
  /** Where to keep a screenshot of the consent page. */
  readonly screenshot?: string;
  /** The sandbox demo user to sign in as (name or email); default the first one listed. */
  readonly user?: RegExp;
  /** Resolves when the browser reached the client's callback. */
  readonly callbackUrl: string;
}

/** Consent page → "Sign in with graph8" → sandbox sign-in → back to the client. Returns the consent page's text. */
export async function signInWithGraph8(browser: Browser, url: URL, opts: SignInOptions): Promise<string> {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(url.href);
    const text = (await page.locator('main').textContent()) ?? '';
    if (opts.screenshot) {
      mkdirSync(dirname(opts.screenshot), { recursive: true });
      await page.screenshot({ path: opts.screenshot, fullPage: true });
    }
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/oauth/authorize'),
      page.getByRole('button', { name: 'Sign in with graph8' }).click(),
    ]);
    if (opts.user) await page.getByRole('radio', { name: opts.user }).check();
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(opts.callbackUrl)),
      page.getByRole('button', { name: 'Sign in', exact: true }).click(),
    ]);
    return text;
  } finally {
    await context.close();
  }
}

/** Consent page → paste the key → "Use this API key" → back to the client. */
export async function signInWithApiKey(
  browser: Browser,
  url: URL,
  key: string,
  callbackUrl: string,
): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(url.href);
    await page.getByLabel('graph8 API key').fill(key);
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(callbackUrl)),
      page.getByRole('button', { name: 'Use this API key' }).click(),
    ]);
  } finally {
    await context.close();
  }
}
