import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // System tests drive runc, the kernel log and sysctls: run files one at a time so they never race.
    fileParallelism: false,
    reporters: ['default', './test/reporters/summary-line.ts'],
  },
});
