import { defineConfig } from 'vitest/config';

// End-to-end tests: Playwright (playwright-core) driving Debian's Chromium against headless mode.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // The local-network check would probe the default gateway and DNS servers: not in tests.
    env: { HOMEPORT_REFERENCE_TARGETS: 'none' },
  },
});
