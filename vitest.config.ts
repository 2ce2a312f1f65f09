import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // System tests drive runc, the kernel log and sysctls: run files one at a time so they never race.
    fileParallelism: false,
    // In CI a failing test runs once more. Two system tests were seen failing once each in about five full runs on
    // a 2-core machine and passing on re-run (docs/STATUS.md, "Flaky"): verify after a forwarded SIGINT reporting a
    // runc failure, and the agent's nginx recording missing the shutdown path. A second failure still fails CI.
    retry: process.env.CI ? 1 : 0,
    reporters: ['default', './test/reporters/summary-line.ts'],
  },
});
