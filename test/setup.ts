// Any console call during a test fails it: library code reports through return values, never the console.
import { beforeEach, vi } from 'vitest';

beforeEach(() => {
  for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
      throw new Error(`console.${m} called during a test: ${args.map(String).join(' ')}`);
    });
  }
});
