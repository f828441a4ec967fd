import { defineConfig } from 'vitest/config';

// Three projects: ordinary tests run in parallel; tests that drive the single pcscd of the lab namespace
// (its socket path is fixed) run one file at a time; the slow suite (test/slow/: builds of the arm64
// container and SD image, emulated boots) runs one file at a time after the others (`npm run test:slow`),
// outside the lab namespace: its builds fetch Debian and npm packages; the containers and virtual machines
// it starts reach only 127.0.0.1 (published ports, qemu's user network).
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
          testTimeout: 900_000,
          hookTimeout: 1_800_000,
        },
      },
    ],
  },
});
