/**
 * The real Roster in distributed mode (Slack's OAuth install, an account per workspace) on a free
 * port against a fresh store and a fake Slack. `install` adds a workspace to the fake Slack and
 * installs Roster there through the OAuth routes, as a browser would.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import type { Roster } from '../../src/main';
import { type FakeSlack, startFakeSlack } from './fake-slack';
import { SIGNING_SECRET, startRoster, TEST_CRON } from './roster-harness';
import { createSlackClient, type SlackClient } from './slack-client';
import { type InstallResult, installWorkspace } from './slack-install';
import type { TestClock } from './test-clock';
import { freshDatabaseUrl, type TargetName } from './test-database';

export const CLIENT_ID = '1111111111.2222222222';
export const CLIENT_SECRET = 'test-client-secret-0123456789';
export const ROSTER_SECRET = 'r'.repeat(64);

export interface Workspace {
  teamId: string;
  botToken: string;
  owner: { slackId: string; email: string };
  slack: SlackClient;
  install(): Promise<InstallResult>;
}

export interface WorkspacesHarness {
  roster: Roster;
  /** The store's URL, for a second replica. */
  databaseUrl: string;
  fake: FakeSlack;
  clock: TestClock;
  baseUrl: string;
  dataDir: string;
  logs(): string;
  /** Adds a workspace to the fake Slack and installs Roster in it. */
  install(
    teamId: string,
    options?: { ownerEmail?: string; enterpriseId?: string; isEnterpriseInstall?: boolean; botToken?: string },
  ): Promise<Workspace>;
  close(): Promise<void>;
}

/** `replicaOf`: a second Roster on the same store and the same fake Slack (PostgreSQL). */
export async function startWorkspacesHarness(
  target: TargetName = 'embedded',
  env: Record<string, string> = {},
  options: { replicaOf?: WorkspacesHarness } = {},
): Promise<WorkspacesHarness> {
  const primary = options.replicaOf;
  const fake = primary?.fake ?? (await startFakeSlack({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }));
  const database = primary ? { url: primary.databaseUrl, drop: async () => {} } : await freshDatabaseUrl(target);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'roster-ws-'));
  const config = loadConfig({
    SLACK_CLIENT_ID: CLIENT_ID,
    SLACK_CLIENT_SECRET: CLIENT_SECRET,
    SLACK_STATE_SECRET: 'test-state-secret-0123456789',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    ROSTER_SECRET,
    SLACK_API_URL: fake.url,
    PORT: '0',
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    PUBLIC_URL: 'http://roster.test',
    LOG_LEVEL: 'info',
    CRON_SCHEDULE: TEST_CRON,
    ...env,
  });
  const { roster, clock, baseUrl, logs } = await startRoster(config);
  let count = 0;
  return {
    roster,
    databaseUrl: database.url,
    fake,
    clock,
    baseUrl,
    dataDir,
    logs,
    async install(teamId, options = {}) {
      const n = ++count;
      const owner = { slackId: `UOWN${teamId}`, email: options.ownerEmail ?? `owner${n}@${teamId.toLowerCase()}.example.com` };
      const botToken = options.botToken ?? `xoxb-${teamId}-${n}`;
      const known = fake.workspace(teamId);
      // A reinstall: Slack grants a new token.
      if (known) known.botToken = botToken;
      else
        fake.addWorkspace({
          teamId,
          teamName: `Team ${teamId}`,
          botToken,
          installer: { id: owner.slackId, email: owner.email, name: `Owner of ${teamId}` },
          enterpriseId: options.enterpriseId,
          isEnterpriseInstall: options.isEnterpriseInstall,
        });
      const slack = createSlackClient({ appUrl: `${baseUrl}/slack/events`, signingSecret: SIGNING_SECRET, teamId, fake });
      const workspace: Workspace = {
        teamId,
        botToken,
        owner,
        slack,
        install: () => installWorkspace(baseUrl, fake, teamId),
      };
      const result = await workspace.install();
      if (result.status !== 200) throw new Error(`install of ${teamId} answered ${result.status}: ${result.body.slice(0, 300)}`);
      return workspace;
    },
    async close() {
      await roster.stop();
      if (primary) return;
      await fake.close();
      await database.drop();
    },
  };
}
