import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';

const run = promisify(execFile);

describe('npm run sweep', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await startFakeSlack();
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('runs one scheduler pass against the configured store and exits', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'roster-sweep-'));
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

  it('exits 1 with the configuration problem when the environment is bad', async () => {
    const failed = await run(process.execPath, ['--import', 'tsx', 'src/scheduler/sweep-cli.ts'], {
      env: { ...process.env, SLACK_BOT_TOKEN: 'nope', SLACK_SIGNING_SECRET: '' },
      timeout: 60_000,
    }).catch((error: { code: number; stderr: string }) => error);
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stderr: string }).stderr).toContain('SLACK_BOT_TOKEN is invalid');
  });
});
