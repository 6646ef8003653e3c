import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plantSockets, squatOldLock } from '../store/store-impostor';
import { startChild } from '../support/child-process';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { OWNER, SIGNING_SECRET, startHarness } from '../support/roster-harness';
import { migratedDataDir } from '../support/test-database';

const run = promisify(execFile);

describe('npm run sweep', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await startFakeSlack();
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('runs one scheduler pass against the configured store and exits', { timeout: 120_000 }, async () => {
    const dataDir = await migratedDataDir('roster-sweep-');
    const env = {
      ...process.env,
      SLACK_BOT_TOKEN: 'xoxb-sweep',
      SLACK_SIGNING_SECRET: 'sweep-signing-secret',
      SLACK_API_URL: fake.url,
      OWNER_EMAIL: 'owner@example.com',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
    };
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/scheduler/sweep-cli.ts'], { env, timeout: 60_000 });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) as string)).toMatchObject({ reminded: 0, expired: 0, stopped: false });
  });

  it('refuses a store another user planted in DATA_DIR: exits 1 with one line, tells neither the impostor nor Slack anything', {
    timeout: 60_000,
  }, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'roster-sweep-'));
    const planted = await plantSockets(dataDir, { uid: 65534 });
    const squatter = process.platform === 'linux' ? await squatOldLock(dataDir, dataDir) : undefined;
    const slackCalls = fake.calls.length;
    try {
      const sweep = startChild('src/scheduler/sweep-cli.ts', [], {
        SLACK_BOT_TOKEN: 'xoxb-sweep',
        SLACK_SIGNING_SECRET: 'sweep-signing-secret',
        SLACK_API_URL: fake.url,
        OWNER_EMAIL: 'owner@example.com',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
      });
      expect(await sweep.exited).toBe(1);
      expect(sweep.stderr().trim().split('\n')).toEqual([expect.stringContaining('belongs to uid 65534, not to you')]);
      expect(planted.received).toBe(0);
      expect(fake.calls.length).toBe(slackCalls);
    } finally {
      await planted.close();
      await squatter?.close();
    }
  });

  it('exits 1 with the configuration problem when the environment is bad', async () => {
    const failed = await run(process.execPath, ['--import', 'tsx', 'src/scheduler/sweep-cli.ts'], {
      env: { ...process.env, SLACK_BOT_TOKEN: 'nope', SLACK_SIGNING_SECRET: '' },
      timeout: 60_000,
    }).catch((error: { code: number; stderr: string }) => error);
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stderr: string }).stderr).toContain(
      'SLACK_BOT_TOKEN is not valid: it must be the Bot User OAuth Token (xoxb-…).',
    );
  });
});

describe('npm run sweep next to a running Roster (embedded store on disk)', () => {
  it('two sweeps at once go through the running Roster’s store: each invite expires once, one digest', {
    timeout: 180_000,
  }, async () => {
    const h = await startHarness('embedded', { NOTICES_CHANNEL: 'C0NOTICES' }, { onDisk: true });
    try {
      // Invited three days ago, so the sweeps (on the real clock) find the links lapsed.
      h.clock.set(new Date(Date.now() - 72 * 3_600_000));
      for (const email of ['late1@example.com', 'late2@example.com', 'late3@example.com']) {
        expect((await h.slack.commandAndWait(OWNER.slackId, `invite ${email}`)).text).toContain('Invited');
      }
      const env = {
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: h.fake.url,
        OWNER_EMAIL: OWNER.email,
        DATA_DIR: h.dataDir,
        NOTICES_CHANNEL: 'C0NOTICES',
        LOG_LEVEL: 'silent',
      };
      const sweeps = [startChild('src/scheduler/sweep-cli.ts', [], env), startChild('src/scheduler/sweep-cli.ts', [], env)];
      expect(await Promise.all(sweeps.map((sweep) => sweep.exited))).toEqual([0, 0]);
      const expired = sweeps.map(
        (sweep) => (JSON.parse(sweep.stdout().trim().split('\n').at(-1) as string) as { expired: number }).expired,
      );
      expect(expired.reduce((sum, n) => sum + n, 0)).toBe(3);
      expect(h.fake.callsTo('chat.postMessage').filter((call) => call.args.channel === 'C0NOTICES')).toHaveLength(1);
      expect(await h.roster.prisma.user.count({ where: { status: 'expired' } })).toBe(3);
    } finally {
      await h.close();
    }
  });
});
