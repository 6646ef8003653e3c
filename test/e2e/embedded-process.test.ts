import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/store/database';
import { type Child, startNpmScript } from '../support/child-process';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { createSlackClient, type SlackClient } from '../support/slack-client';
import { migratedDataDir } from '../support/test-database';

const SIGNING_SECRET = 'process-signing-secret-0123456789';

/** `npm start` as a separate process on an embedded store in `dataDir`. */
async function startRoster(fake: FakeSlack, dataDir: string): Promise<{ child: Child; slack: SlackClient }> {
  const child = startNpmScript('start', [], rosterEnv(fake, dataDir));
  const out = await child.waitForOutput('Roster is running');
  const line = out.split('\n').find((l) => l.includes('Roster is running')) as string;
  const { port } = JSON.parse(line) as { port: number };
  const slack = createSlackClient({
    appUrl: `http://127.0.0.1:${port}/slack/events`,
    signingSecret: SIGNING_SECRET,
    teamId: fake.teamId,
    fake,
  });
  return { child, slack };
}

function rosterEnv(fake: FakeSlack, dataDir: string): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: 'xoxb-process',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.url,
    OWNER_EMAIL: 'owner@example.com',
    DATA_DIR: dataDir,
    PORT: '0',
    SEAT_LIMIT: '1000',
    LOG_LEVEL: 'info',
  };
}

/** What a restore must bring back: users with roles and status, invites, audit. */
async function snapshot(database: Database) {
  const users = await database.prisma.user.findMany({
    orderBy: { email: 'asc' },
    select: {
      email: true,
      status: true,
      roles: { select: { role: { select: { key: true } } } },
      invites: { select: { tokenHash: true } },
    },
  });
  const audit = await database.prisma.auditEvent.findMany({
    orderBy: [{ at: 'asc' }, { id: 'asc' }],
    select: { id: true, action: true, targetEmail: true },
  });
  return { users, audit };
}

describe('Roster as a process on the embedded store', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await startFakeSlack({ users: [{ id: 'UOWNER', email: 'owner@example.com', name: 'Olive Owner' }] });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('a second npm start on a DATA_DIR in use stops at once with one line; kill -9 mid-burst keeps every answered invite', {
    timeout: 180_000,
  }, async () => {
    // An empty DATA_DIR: the store is created and migrated from nothing, as on a first start.
    const dataDir = await mkdtemp(path.join(tmpdir(), 'roster-crash-'));
    const { child, slack } = await startRoster(fake, dataDir);

    const second = startNpmScript('start', [], rosterEnv(fake, dataDir));
    expect(await second.exited).toBe(1);
    const lines = second.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`is in use by process ${child.process.pid}`);
    expect(lines[0]).toContain('DATABASE_URL');

    const answered: string[] = [];
    let killed = false;
    /** When the killed process was gone: an answer it had posted arrives within moments; after that none can. */
    let goneAt = 0;
    const lanes = [0, 1, 2, 3].map(async (lane) => {
      for (let i = 0; !killed; i++) {
        const email = `crash-${lane}-${i}@example.com`;
        const sent = await slack.command('UOWNER', `invite ${email}`).catch(() => undefined);
        if (sent?.status !== 200) return;
        const answer = await fake
          .waitFor(
            () => fake.responses.find((r) => r.id === sent.responseId) ?? (goneAt > 0 && Date.now() - goneAt > 1_000 && 'none'),
            15_000,
          )
          .catch(() => 'none' as const);
        if (answer === 'none') return;
        if (String(answer.body.text).includes(`Invited ${email}`)) answered.push(email);
      }
    });
    await fake.waitFor(() => answered.length >= 16, 60_000);
    child.process.kill('SIGKILL');
    killed = true;
    await child.exited;
    goneAt = Date.now();
    await Promise.all(lanes);

    const database = await openDatabase({ dataDir });
    const users = await database.prisma.user.findMany({ where: { email: { in: answered } }, include: { invites: true } });
    expect(users.map((u) => u.email).sort()).toEqual([...answered].sort());
    for (const user of users) expect(user.invites).toHaveLength(1);
    await database.close();
  });

  it('backs up through the running Roster and restores into an empty DATA_DIR: users, roles, invites and audit', {
    timeout: 180_000,
  }, async () => {
    const dataDir = await migratedDataDir('roster-backup-');
    const { child, slack } = await startRoster(fake, dataDir);
    for (const email of ['ann@example.com', 'bob@example.com']) {
      expect((await slack.commandAndWait('UOWNER', `invite ${email} --role editor`)).text).toContain('Invited');
    }
    const file = path.join(dataDir, '..', `${path.basename(dataDir)}.tar.gz`);
    const backup = startNpmScript('backup', [file], { DATA_DIR: dataDir });
    expect(await backup.exited).toBe(0);
    expect(backup.stdout()).toContain('through the running Roster');

    const whileRunning = startNpmScript('restore', [file], { DATA_DIR: dataDir });
    expect(await whileRunning.exited).toBe(1);
    expect(whileRunning.stderr()).toContain('stop it first');

    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    const original = await openDatabase({ dataDir });
    const before = await snapshot(original);
    await original.close();
    expect(before.users.map((u) => u.email)).toEqual(['ann@example.com', 'bob@example.com', 'owner@example.com']);
    expect(before.audit.filter((a) => a.action === 'user.invited')).toHaveLength(2);

    const notEmpty = startNpmScript('restore', [file], { DATA_DIR: dataDir });
    expect(await notEmpty.exited).toBe(1);
    expect(notEmpty.stderr()).toContain('is not empty');

    const target = await mkdtemp(path.join(tmpdir(), 'roster-restored-'));
    const restore = startNpmScript('restore', [file], { DATA_DIR: target });
    expect(await restore.exited).toBe(0);
    expect(restore.stdout()).toContain('3 users');
    const restored = await openDatabase({ dataDir: target });
    expect(await snapshot(restored)).toEqual(before);
    await restored.close();
  });
});
