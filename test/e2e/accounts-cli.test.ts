/**
 * `npm run accounts` next to a running Roster. The runs go in process (test/support/console-run.ts, the
 * same command the CLI entry runs); one listing runs the real script as a child process.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts as accountsCommand } from '../../src/console/accounts-console';
import { runConsole } from '../support/console-run';
import { type Harness, OWNER, SIGNING_SECRET, startHarness } from '../support/roster-harness';
import { seedUser } from '../support/seed';
import { type TargetName, testTargets } from '../support/test-database';

const SCRIPT = 'src/console/accounts-cli.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The command in process, on the server next to the running Roster. */
function accounts(env: Record<string, string | undefined>, args: string[]): Promise<Run> {
  return runConsole(accountsCommand, env, args);
}

/** `npm run accounts`'s script as a child process on the server. */
function accountsProcess(env: Record<string, string | undefined>, args: string[]): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], {
    env: { ...process.env, DATABASE_URL: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe.each(testTargets())('npm run accounts next to a running Roster (%s store)', (target: TargetName) => {
  let h: Harness;
  let env: Record<string, string | undefined>;
  let slug: string;
  const account = () => h.roster.prisma.account.findFirstOrThrow();

  beforeAll(async () => {
    h = await startHarness(target, { SEAT_LIMIT: '5' }, { onDisk: target === 'embedded' });
    env = {
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: h.fake.url,
      DATA_DIR: h.dataDir,
      DATABASE_URL: target === 'postgres' ? h.roster.config.databaseUrl : undefined,
      SEAT_LIMIT: '5',
      LOG_LEVEL: 'silent',
    };
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin'], slackUserId: 'UADA' });
    slug = (await account()).slug as string;
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('refuses bad input in one line each, exit 1, and changes nothing', { timeout: 120_000 }, async () => {
    // Every refusal of the words themselves is in test/unit/console-arguments.test.ts; here one of them, and
    // one that needs the store, as the script says them.
    const runs = await Promise.all([accounts(env, ['seats', slug, 'lots']), accounts(env, ['seats', 'nowhere', '10'])]);
    expect(runs.map((run) => run.code)).toEqual([1, 1]);
    expect(runs.map((run) => run.stderr.trim())).toEqual([
      'lots is not a number of seats: give a whole number from 1 to 1000000, or "default" for SEAT_LIMIT.',
      'There is no account nowhere. `npm run accounts -- list` names them.',
    ]);
    expect(await account()).toMatchObject({ planSeats: null });
    expect(await h.roster.prisma.auditEvent.count({ where: { action: 'account.plan-seats' } })).toBe(0);
  });

  it('lists each account with its owner, seats used / limit and plan', { timeout: 120_000 }, async () => {
    const run = await accountsProcess(env, ['list']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${slug}  `);
    expect(run.stdout).toContain(`owner ${OWNER.email}`);
    expect(run.stdout).toContain('seats 2/5  plan 5 (SEAT_LIMIT)');
    // The running Roster has built the account's services over the plan it had.
    expect((await h.slack.commandAndWait('UADA', 'seats')).text).toContain('The plan has 5 seats.');
  });

  it('sets the plan as the server console, audited; the limit follows; default goes back to SEAT_LIMIT', {
    timeout: 120_000,
  }, async () => {
    const set = await accounts(env, ['seats', slug, '3']);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toContain(`Plan of ${slug}: the default (SEAT_LIMIT 5) → 3 seats.`);
    expect(set.stdout).toContain('Seat limit in force: 3; 2 in use.');
    expect(await account()).toMatchObject({ planSeats: 3, seatLimit: null });
    const audit = await h.roster.prisma.auditEvent.findFirstOrThrow({ where: { action: 'account.plan-seats' } });
    expect(audit).toMatchObject({ actorEmail: 'server console', source: 'console', after: { planSeats: 3 } });
    expect((await accounts(env, ['list'])).stdout).toContain('seats 2/3  plan 3');
    // Everyone sees the new plan at once in /users seats (read from the store).
    expect((await h.slack.commandAndWait('UADA', 'seats')).text).toContain('The plan has 3 seats.');
    if (target === 'postgres') {
      // PostgreSQL tells every replica at once: the running Roster's seat rule has the new plan.
      const refused = await h.slack.commandAndWait(OWNER.slackId, 'invite x1@example.com x2@example.com');
      expect(refused.text).toContain('2 of 3 are used and this invite needs 2');
    }

    const below = await accounts(env, ['seats', slug, '1']);
    expect(below.stdout).toContain('2 seats are in use, more than 1: nobody new takes a seat until some are freed.');
    const back = await accounts(env, ['seats', slug, 'default']);
    expect(back.stdout).toContain(`Plan of ${slug}: 1 → the default (SEAT_LIMIT 5) seats.`);
    expect(await account()).toMatchObject({ planSeats: null });
    expect(await h.roster.prisma.auditEvent.count({ where: { action: 'account.plan-seats' } })).toBe(3);
  });
});
