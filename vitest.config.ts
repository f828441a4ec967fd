import { defineConfig } from 'vitest/config';

// Three projects: ordinary tests run in parallel; tests that drive the single pcscd of the lab namespace
// (its socket path is fixed) run one file at a time; the slow suite (image builds, emulated boots: minutes
// each) runs only on `npm run test:slow`, one file at a time.
export default defineConfig({
  test: {
    // The watchdog names a test file that blocks its worker beyond vitest's own timeouts.
    reporters: ['default', './test/support/watchdog-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/pcsc/**', 'test/slow/**', 'node_modules/**'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'pcsc',
          include: ['test/pcsc/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'slow',
          include: ['test/slow/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 30 * 60_000,
          hookTimeout: 60 * 60_000,
        },
      },
    ],
  },
});
