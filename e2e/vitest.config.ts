import { defineConfig } from 'vitest/config';

// End-to-end tests: Playwright (playwright-core) driving Debian's Chromium against headless mode.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
