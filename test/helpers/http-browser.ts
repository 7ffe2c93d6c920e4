/**
 * Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) completing the
 * consent page the way a person would: by the visible labels and button names.
 *
 * A machine without Chromium skips the browser tests, saying so loudly with what to install, so
 * `npm install && npm test` is green on a fresh machine. G8_REQUIRE_BROWSER=1 (set by .ci/run)
 * turns that skip into a failure, so CI always runs them.
 */
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.G8_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Why Chromium cannot run here, or undefined when it can. */
export const CHROMIUM_MISSING: string | undefined = (() => {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return undefined;
  } catch {
    return `no Chromium at ${CHROMIUM}: install it (Debian/Ubuntu: apt-get install chromium) or set G8_TEST_CHROMIUM to a Chromium or Chrome binary`;
  }
})();

const REQUIRED = process.env.G8_REQUIRE_BROWSER === '1';

/** The file a skipping test leaves for test/helpers/browser-notice.ts, named after vitest's pid. */
export function skipMarker(vitestPid: number): string {
  return join(tmpdir(), `g8-browser-tests-skipped-${vitestPid}`);
}

/**
 * True when this test file must skip its browser tests (no Chromium, and not required), after
 * printing a notice that names the file and what to install. With G8_REQUIRE_BROWSER=1 it is
 * false, and launchBrowser fails with the same words.
 */
export function skipWithoutBrowser(fileUrl: string): boolean {
  if (CHROMIUM_MISSING === undefined || REQUIRED) return false;
  writeFileSync(skipMarker(process.ppid), fileUrl);
  const line = '!'.repeat(100);
  console.warn(
    `\n${line}\n!! SKIPPED the browser tests of ${basename(fileURLToPath(fileUrl))}: ${CHROMIUM_MISSING}.\n!! CI sets G8_REQUIRE_BROWSER=1, which makes this a failure.\n${line}\n`,
  );
  return true;
}

export function launchBrowser(): Promise<Browser> {
  if (CHROMIUM_MISSING !== undefined) {
    return Promise.reject(
      new Error(`${CHROMIUM_MISSING} (G8_REQUIRE_BROWSER=1: the browser tests must run here)`),
    );
  }
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
