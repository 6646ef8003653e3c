/**
 * `npm run recover-owner` next to a running Roster and on a store nobody holds. Most runs go in process
 * (test/support/console-run.ts, the same command the CLI entry runs); the terminal prompt, two operators
 * at once and a store the CLI opens itself run the real script as child processes.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoverOwner as recoverOwnerCommand } from '../../src/console/recover-owner-console';
import { openDatabase } from '../../src/store/database';
import { runConsole } from '../support/console-run';
import { type Harness, OWNER, SIGNING_SECRET, startHarness } from '../support/roster-harness';
import { directoryState, seedUser } from '../support/seed';
import { type TargetName, testTargets } from '../support/test-database';

const SCRIPT = 'src/console/recover-owner-cli.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run recover-owner`'s script as a child process, with a terminal the test types into. */
function startRecoverOwner(env: Record<string, string | undefined>, args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], {
    env: { ...process.env, DATABASE_URL: undefined, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<Run>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return {
    exited,
    /** What the operator types, then the end of input. */
    type(input: string) {
      child.stdin.end(input);
    },
    async prompted(): Promise<void> {
      while (!stdout.includes('to go on:')) {
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before asking: ${stdout}${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/** The script as a child process, run to the end with `input` typed at once. */
function recoverOwnerProcess(env: Record<string, string | undefined>, args: string[], input = ''): Promise<Run> {
  const run = startRecoverOwner(env, args);
  run.type(input);
  return run.exited;
}

/** The command in process, with `input` typed at its prompt. */
function recoverOwner(env: Record<string, string | undefined>, args: string[], input = ''): Promise<Run> {
  return runConsole(recoverOwnerCommand, env, args, input);
}

/** The environment of the server the CLI runs on: the harness's store and Slack. */
function serverEnv(h: Harness, target: TargetName): Record<string, string | undefined> {
  return {
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: h.fake.url,
    DATA_DIR: h.dataDir,
    DATABASE_URL: target === 'postgres' ? h.roster.config.databaseUrl : undefined,
    LOG_LEVEL: 'silent',
  };
}

async function ownerEmail(h: Pick<Harness, 'roster'>): Promise<string | undefined> {
  const account = await h.roster.prisma.account.findFirstOrThrow({ include: { owner: true } });
  return account.owner?.email;
}

const USAGE = 'Usage: npm run recover-owner -- --email <address> [--account <identifier or Slack team ID>] [--yes]';

describe.each(testTargets())('npm run recover-owner next to a running Roster (%s store)', (target) => {
  let h: Harness;
  let env: Record<string, string | undefined>;
  beforeAll(async () => {
    h = await startHarness(target, {}, { onDisk: target === 'embedded' });
    env = serverEnv(h, target);
    await h.roster.prisma.user.updateMany({ where: { email: OWNER.email }, data: { status: 'disabled' } });
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin'], slackUserId: 'UADA' });
    await seedUser(h.roster, { email: 'bob@example.com', roles: ['viewer'], name: 'Bob' });
    await seedUser(h.roster, { email: 'cat@example.com', roles: ['admin'] });
    await seedUser(h.roster, { email: 'dan@example.com', roles: ['admin'] });
    await seedUser(h.roster, { email: 'off@example.com', roles: ['admin'], status: 'disabled' });
    h.fake.addUser({ id: 'UADA', email: 'ada@example.com' });
    h.fake.addUser({ id: 'UBOB', email: 'bob@example.com' });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('refuses a bad e-mail and a disabled user, one line each, exit 1, nothing changed', {
    timeout: 120_000,
  }, async () => {
    const before = await directoryState(h.roster);
    // The options' refusals are in test/unit/console-arguments.test.ts, the change's (an unknown, a disabled
    // user, the owner) in the domain and listener tiers; here one of each kind, as the script says them.
    const runs = await Promise.all([
      recoverOwner(env, ['--email', 'not-an-address', '--yes']),
      recoverOwner(env, ['--email', 'off@example.com', '--yes']),
    ]);
    expect(runs.map((run) => run.code)).toEqual([1, 1]);
    expect(runs.map((run) => run.stderr.trim())).toEqual([
      'not-an-address is not a valid e-mail address.',
      'off@example.com is disabled; only an active user can own the account.',
    ]);
    for (const run of runs) expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(await directoryState(h.roster)).toBe(before);
  });

  it('shows what it will do and changes nothing when the confirmation is declined or not given', {
    timeout: 120_000,
  }, async () => {
    const before = await directoryState(h.roster);
    const [declined, silent] = await Promise.all([
      recoverOwner(env, ['--email', 'bob@example.com'], 'no\n'),
      recoverOwner(env, ['--email', 'bob@example.com']),
    ]);
    expect(declined.stdout).toContain(`current owner: ${OWNER.email} (disabled)`);
    expect(declined.stdout).toContain('new owner:     bob@example.com, who becomes an Admin');
    expect(declined.stdout).toContain('Type bob@example.com (or yes) to go on:');
    for (const run of [declined, silent]) {
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toBe('Not confirmed: nothing changed.');
    }
    expect(await directoryState(h.roster)).toBe(before);
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('on confirmation makes the user owner and Admin in one audited change and tells every Admin by DM', {
    timeout: 120_000,
  }, async () => {
    const run = await recoverOwner(env, ['--email', 'Bob@Example.com'], 'bob@example.com\n');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Done: bob@example.com now owns the account instead of ${OWNER.email} (disabled).`);
    expect(run.stdout).toContain('Told 2 Admins by Slack DM: ada@example.com, bob@example.com.');
    expect(run.stdout).toContain('Not in the Slack workspace, so not told: cat@example.com, dan@example.com.');
    expect(await ownerEmail(h)).toBe('bob@example.com');
    const bob = await h.roster.prisma.user.findUniqueOrThrow({
      where: { accountId_email: { accountId: h.roster.accountId, email: 'bob@example.com' } },
      include: { roles: { include: { role: true } } },
    });
    expect(bob.roles.map((held) => held.role.key).sort()).toEqual(['admin', 'viewer']);
    const events = await h.roster.prisma.auditEvent.findMany({ where: { action: 'account.owner-recovered' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorEmail: 'server console',
      actorUserId: null,
      source: 'console',
      targetEmail: 'bob@example.com',
      before: { owner: OWNER.email, ownerState: 'disabled', roles: ['viewer'] },
      after: { owner: 'bob@example.com', roles: ['admin', 'viewer'] },
    });
    const dms = h.fake.callsTo('chat.postMessage').filter((call) => String(call.args.text).includes('recovered'));
    expect(dms.map((call) => call.args.channel).sort()).toEqual(['DUADA', 'DUBOB']);
    expect(String(dms[0]?.args.text)).toContain(
      `recovered from the server console: bob@example.com now owns the account instead of ${OWNER.email} (disabled). bob@example.com was made an Admin.`,
    );
  });

  it('two runs confirmed at once make exactly one change; the other says ownership changed meanwhile', {
    timeout: 120_000,
  }, async () => {
    const recovered = () => h.roster.prisma.auditEvent.count({ where: { action: 'account.owner-recovered' } });
    const before = await recovered();
    // Both show the same owner and wait; then both operators confirm at the same moment.
    const started = [
      startRecoverOwner(env, ['--email', 'cat@example.com']),
      startRecoverOwner(env, ['--email', 'dan@example.com']),
    ];
    await Promise.all(started.map((run) => run.prompted()));
    for (const run of started) run.type('yes\n');
    const runs = await Promise.all(started.map((run) => run.exited));
    expect(runs.map((run) => run.code).sort()).toEqual([0, 1]);
    const winner = runs.findIndex((run) => run.code === 0);
    const loser = runs[1 - winner] as Run;
    expect(loser.stderr.trim()).toMatch(/^Ownership changed meanwhile: (cat|dan)@example\.com owns the account now\./);
    expect(await ownerEmail(h)).toBe(winner === 0 ? 'cat@example.com' : 'dan@example.com');
    expect(await recovered()).toBe(before + 1);
  });

  it('with several accounts in the store, needs --account and finds it by identifier or Slack team ID', {
    timeout: 120_000,
  }, async () => {
    const other = await h.roster.prisma.account.create({ data: { name: 'Other', slug: 'other', slackTeamId: 'TOTHER01' } });
    try {
      const before = await directoryState(h.roster);
      const [unnamed, unknown] = await Promise.all([
        recoverOwner(env, ['--email', 'bob@example.com', '--yes']),
        recoverOwner(env, ['--email', 'bob@example.com', '--account', 'nope', '--yes']),
      ]);
      expect(unnamed.stderr.trim()).toBe(`This Roster serves several accounts: say which with --account. ${USAGE}`);
      expect(unknown.stderr.trim()).toBe('There is no account nope.');
      expect([unnamed.code, unknown.code]).toEqual([1, 1]);
      expect(await directoryState(h.roster)).toBe(before);
      const account = await h.roster.prisma.account.findUniqueOrThrow({ where: { id: h.roster.accountId } });
      // Bob is not in the other account: the account named is the one searched.
      const elsewhere = await recoverOwner(env, ['--email', 'bob@example.com', '--account', 'TOTHER01', '--yes']);
      expect(elsewhere.stderr).toContain('No user with the e-mail bob@example.com');
      const named = await recoverOwner(env, ['--email', 'bob@example.com', '--account', account.slug as string], 'no\n');
      expect(named.stdout).toContain('new owner:     bob@example.com');
    } finally {
      await h.roster.prisma.account.delete({ where: { id: other.id } });
    }
  });

  it('says so when Slack cannot be reached, and the transfer stands', { timeout: 120_000 }, async () => {
    const run = await recoverOwner({ ...env, SLACK_API_URL: 'http://127.0.0.1:9/api/' }, ['--email', 'ada@example.com', '--yes']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Done: ada@example.com now owns the account');
    expect(run.stdout).toMatch(/Slack could not be reached \(.+\), so .*ada@example\.com.* were not told\. The transfer stands/);
    expect(await ownerEmail(h)).toBe('ada@example.com');
  });
});

describe('npm run recover-owner with no Roster running (embedded store on disk)', () => {
  it('opens the store itself and moves ownership', { timeout: 120_000 }, async () => {
    const h = await startHarness('embedded', {}, { onDisk: true });
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin'] });
    await h.roster.stop();
    try {
      const run = await recoverOwnerProcess(serverEnv(h, 'embedded'), ['--email', 'ada@example.com'], 'yes\n');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const db = await openDatabase({ dataDir: h.dataDir, share: 'reach' });
      try {
        const account = await db.prisma.account.findFirstOrThrow({ include: { owner: true } });
        expect(account.owner?.email).toBe('ada@example.com');
      } finally {
        await db.close();
      }
    } finally {
      await h.fake.close();
    }
  });
});
