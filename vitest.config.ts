import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The server's tests, and the g8-sandbox package's own (packages/sandbox/test).
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // After the run: a reminder when the browser tests were skipped for want of Chromium.
    globalSetup: ['test/helpers/browser-notice.ts'],
  },
});
