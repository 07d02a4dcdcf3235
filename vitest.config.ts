import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // Each test file opens its own database; two files at a time fit two cores and memory comfortably.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Browser tests poll the page for what a person would see. A login or a page load can take a few seconds
    // while the other file's database and server share the two cores, so a poll waits up to 15 s, not 1 s.
    expect: { poll: { timeout: 15_000 } },
    globalSetup: ['test/support/global-setup.ts'],
  },
});
