import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests share one lab (engines, sshd); files run one at a time to keep them independent.
    fileParallelism: false,
    // The local-network check would probe the default gateway and DNS servers: not in tests.
    env: { HOMEPORT_REFERENCE_TARGETS: 'none' },
    typecheck: { enabled: false },
  },
});
