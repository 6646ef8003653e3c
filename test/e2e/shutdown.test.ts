/**
 * Stopping `npm start` under load: a burst of Slack commands, SIGTERM in the middle. Roster stops
 * taking requests, finishes every one it acknowledged (its answer and its DM go out), then closes the
 * store, logs no error and exits 0. (Before, the store closed under them: `connect ENOENT …`.)
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Child, startNpmScript } from '../support/child-process';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { OWNER, SIGNING_SECRET, TEST_CRON } from '../support/roster-harness';
import { createSlackClient } from '../support/slack-client';
import { freshDatabaseUrl, type TestDatabaseUrl, testTargets } from '../support/test-database';

const BURST = 8;
const RESTARTING = 'Roster is restarting; nothing was changed. Try again in a minute.';

describe.each(testTargets())('SIGTERM in the middle of a burst (%s store)', (target) => {
  let fake: FakeSlack | undefined;
  let child: Child | undefined;
  let database: TestDatabaseUrl | undefined;
  afterEach(async () => {
    if (child && child.process.exitCode === null) {
      child.process.kill('SIGKILL');
      await child.exited;
    }
    await fake?.close();
    await database?.drop();
  });

  it('finishes every acknowledged request, then closes the store without an error', async () => {
    fake = await startFakeSlack({ users: [{ id: OWNER.slackId, email: OWNER.email, name: 'Olive Owner' }] });
    // Each invite's DM takes a while, so the burst is still being worked on when the signal comes.
    fake.slow('chat.postMessage', 400);
    database = await freshDatabaseUrl(target);
    child = startNpmScript('start', [], {
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_APP_TOKEN: '',
      SLACK_API_URL: fake.url,
      DATABASE_URL: database.url,
      DATA_DIR: await mkdtemp(path.join(tmpdir(), 'roster-shutdown-')),
      OWNER_EMAIL: OWNER.email,
      PUBLIC_URL: 'http://roster.test',
      PORT: '0',
      LOG_LEVEL: 'info',
      CRON_SCHEDULE: TEST_CRON,
    });
    const out = await child.waitForOutput('Roster is running', 80_000);
    const { port } = JSON.parse(out.split('\n').find((line) => line.includes('Roster is running')) as string);
    const slack = createSlackClient({
      appUrl: `http://127.0.0.1:${port}/slack/events`,
      signingSecret: SIGNING_SECRET,
      teamId: fake.teamId,
      fake,
    });
    const emails = Array.from({ length: BURST }, (_, i) => `burst${i}@example.com`);
    for (const [i, email] of emails.entries()) fake.addUser({ id: `UBURST${i}`, email, name: `Burst ${i}` });

    const burst = emails.map((email) => slack.command(OWNER.slackId, `invite ${email}`));
    const acknowledged = await Promise.all(burst);
    expect(acknowledged.map((a) => a.status)).toEqual(emails.map(() => 200));
    child.process.kill('SIGTERM');
    // Requests after the signal are refused at the door or told to try again; none is left hanging.
    const late = await slack.command(OWNER.slackId, 'invite late@example.com').catch(() => null);

    expect(await child.exited).toBe(0);
    for (const [i, { responseId }] of acknowledged.entries()) {
      const answer = fake.responses.find((r) => r.id === responseId);
      expect(answer?.body.text, emails[i]).toContain(`Invited ${emails[i]}`);
    }
    const dms = fake.callsTo('chat.postMessage').map((call) => String(call.args.channel));
    for (let i = 0; i < BURST; i += 1) expect(dms).toContain(`DUBURST${i}`);
    if (late?.status === 200) {
      expect(fake.responses.find((r) => r.id === late.responseId)?.body.text).toBe(RESTARTING);
    }

    const lines = child
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    expect(lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['shutting down: finishing the requests in flight', 'stopped']),
    );
    expect(child.stderr()).toBe('');
  }, 120_000);
});
