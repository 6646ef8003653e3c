/**
 * Starts the real Roster (the composition root in src/main.ts) on a free port against a fresh
 * store and a fake Slack, and gives a signed Slack client for it. Nothing of Roster is mocked.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { type Config, loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { buildRoster, type Roster } from '../../src/main';
import { type FakeSlack, startFakeSlack } from './fake-slack';
import { createSlackClient, type SlackClient } from './slack-client';
import { type TestClock, testClock } from './test-clock';
import { freshDatabaseUrl, migratedDataDir, type TargetName, type TestDatabaseUrl } from './test-database';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const OWNER = { slackId: 'UOWNER', email: 'owner@example.com' };

export interface Harness {
  roster: Roster;
  fake: FakeSlack;
  slack: SlackClient;
  clock: TestClock;
  baseUrl: string;
  dataDir: string;
  /** Everything Roster logged, as text. */
  logs(): string;
  close(): Promise<void>;
}

/**
 * `onDisk`: the embedded store in the harness's DATA_DIR (owned by this process) instead of in memory,
 * started from a migrated copy.
 */
export async function startHarness(
  target: TargetName = 'embedded',
  env: Record<string, string> = {},
  options: { onDisk?: boolean } = {},
): Promise<Harness> {
  const { fake, database, dataDir, config } = await harnessConfig(target, env, options);
  const { roster, clock, baseUrl, logs } = await startRoster(config);
  const slack = createSlackClient({
    appUrl: `${baseUrl}/slack/events`,
    signingSecret: SIGNING_SECRET,
    teamId: fake.teamId,
    fake,
  });
  return {
    roster,
    fake,
    slack,
    clock,
    baseUrl,
    dataDir,
    logs,
    async close() {
      await roster.stop();
      await fake.close();
      await database.drop();
    },
  };
}

/**
 * The cron of a started test Roster: once a year. It follows the wall clock, not the test clock; left at
 * every 5 minutes, a pass could start in the middle of a test (at 01:05, say) and do part of what the
 * test's own `runOnce` counts.
 */
export const TEST_CRON = '0 0 1 1 *';

/** What a harness runs Roster with: a fake Slack with the owner in it, a fresh store, a DATA_DIR, the configuration. */
export async function harnessConfig(
  target: TargetName,
  env: Record<string, string>,
  options: { onDisk?: boolean },
): Promise<{ fake: FakeSlack; database: TestDatabaseUrl; dataDir: string; config: Config }> {
  const fake = await startFakeSlack({ users: [{ id: OWNER.slackId, email: OWNER.email, name: 'Olive Owner' }] });
  const database = await freshDatabaseUrl(target);
  const dataDir = options.onDisk ? await migratedDataDir('roster-test-') : await mkdtemp(path.join(tmpdir(), 'roster-test-'));
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.url,
    PORT: '0',
    DATABASE_URL: options.onDisk ? undefined : database.url,
    DATA_DIR: dataDir,
    OWNER_EMAIL: OWNER.email,
    PUBLIC_URL: 'http://roster.test',
    LOG_LEVEL: 'info',
    CRON_SCHEDULE: TEST_CRON,
    ...env,
  });
  return { fake, database, dataDir, config };
}

/** Builds and starts Roster from `config` with a test clock, keeping everything it logs. */
export async function startRoster(
  config: Config,
): Promise<{ roster: Roster; clock: TestClock; baseUrl: string; logs: () => string }> {
  const { roster, clock, logs } = await buildTestRoster(config);
  const port = await roster.start();
  return { roster, clock, baseUrl: `http://127.0.0.1:${port}`, logs };
}

/** Builds Roster from `config` with a test clock, keeping everything it logs; nothing listens. */
export async function buildTestRoster(config: Config): Promise<{ roster: Roster; clock: TestClock; logs: () => string }> {
  const lines: string[] = [];
  const logger = createLogger(
    config.logLevel,
    new Writable({
      write(chunk, _encoding, callback) {
        lines.push(String(chunk));
        callback();
      },
    }),
  );
  const clock = testClock();
  const roster = await buildRoster(config, { clock, logger });
  return { roster, clock, logs: () => lines.join('') };
}
