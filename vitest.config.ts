import { defineConfig } from 'vitest/config';

/**
 * Suites that start Roster's own processes (`npm start`, the CLIs, children holding the store), hold it
 * to Slack's acknowledgement deadline, measure time, or run a browser: one at a time, on a machine
 * otherwise quiet, so a busy neighbour can neither starve a child process, push an acknowledgement past
 * its budget nor skew a timing (the failed-login timing test once measured 2.4x beside other suites), and
 * Chromium's processes are nobody's neighbour.
 * (Measured once on this machine's two cores: two at a time 191 s, one at a time 153 s.)
 */
const ALONE = [
  'test/e2e/playground.test.ts',
  'test/e2e/sign-in-timing.test.ts',
  'test/e2e/embedded-process.test.ts',
  'test/e2e/start-up.test.ts',
  'test/e2e/shutdown.test.ts',
  'test/e2e/sweep-cli.test.ts',
  'test/e2e/recover-owner.test.ts',
  'test/e2e/socket-mode.test.ts',
  'test/e2e/modal-ack.test.ts',
  'test/store/embedded-store.test.ts',
];

export default defineConfig({
  test: {
    environment: 'node',
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    projects: [
      // Everything else, two suites at a time: each has its own store and its own fake Slack.
      {
        extends: true,
        test: {
          name: 'suites',
          include: ['test/**/*.test.ts'],
          exclude: ALONE,
          maxWorkers: 2,
          // A worker runs one suite after another in the same process: the app's modules are imported once
          // per worker rather than once per suite (each suite still has its own store, fake Slack and Roster).
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      { extends: true, test: { name: 'alone', include: ALONE, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
