/**
 * A scheduler pass that costs what is due (issue 27): the one query finds every account with something
 * due and none without, and replicas running a pass share it by claiming accounts — each account's part
 * once, a claim of a replica that died taken over once it runs out.
 */
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/domain/roles/catalog';
import { dueHorizons } from '../../src/scheduler/due-horizons';
import { type AccountRef, createScheduler } from '../../src/scheduler/scheduler';
import { findAccountsWithDueWork } from '../../src/store/scheduler/due-accounts';
import { type DomainHarness, domainStore } from '../support/domain-harness';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';

const HOUR = 3_600_000;
const { policy } = loadCatalog().catalog;

describe.each(testTargets())('accounts with work due (%s store)', (target) => {
  const store = domainStore(target);
  afterAll(() => store.close());

  /** A new account with one user, and a way to add rows to it. */
  async function account(h: DomainHarness, name: string) {
    const { id: accountId } = await h.db.prisma.account.create({ data: { name } });
    const user = await seedUser({ prisma: h.db.prisma, accountId }, { email: `${name}@example.com` });
    return { accountId, userId: user.id };
  }

  const due = (h: DomainHarness, options: { channel?: boolean } = {}) =>
    findAccountsWithDueWork(h.db.prisma, dueHorizons(h.clock.now(), [policy], options.channel ?? false));

  it('finds each kind of due work, and not the accounts without any', async () => {
    const h = await store.fresh();
    const { prisma } = h.db;
    const now = h.clock.now().getTime();
    const at = (hours: number) => new Date(now + hours * HOUR);
    const invite = (
      a: { accountId: string; userId: string },
      data: { expiresAt: Date; lastSentAt: Date; resendCount?: number },
    ) =>
      prisma.invite.create({
        data: { ...a, tokenHash: `${a.accountId}-${Math.random()}`, tokenNonce: 'n', sentAt: data.lastSentAt, ...data },
      });

    const idle = await account(h, 'idle');
    // An invite sent an hour ago, reminded already, expiring in two days: nothing due yet.
    await invite(idle, { expiresAt: at(48), lastSentAt: at(-1), resendCount: 5 });
    const expired = await account(h, 'expired');
    await invite(expired, { expiresAt: at(-1), lastSentAt: at(-49), resendCount: 5 });
    const remind = await account(h, 'remind');
    await invite(remind, { expiresAt: at(30), lastSentAt: at(-25) });
    const warn = await account(h, 'warn');
    await invite(warn, { expiresAt: at(2), lastSentAt: at(-1), resendCount: 5 });
    const warned = await account(h, 'warned');
    const warnedInvite = await invite(warned, { expiresAt: at(2), lastSentAt: at(-1), resendCount: 5 });
    await prisma.sentNotice.create({
      data: { accountId: warned.accountId, dedupeKey: `expiring-soon:${warnedInvite.id}`, rule: 'expiring-soon', status: 'sent' },
    });
    const passcode = await account(h, 'passcode');
    await prisma.passcode.create({
      data: { ...passcode, codeHash: 'p1', tenureDays: 1, expiresAt: at(-1) },
    });
    const approval = await account(h, 'approval');
    await prisma.approvalRequest.create({
      data: {
        accountId: approval.accountId,
        action: 'delete',
        payload: {},
        targetVersions: {},
        summary: 's',
        requesterId: approval.userId,
        expiresAt: at(-1),
      },
    });
    const queued = await account(h, 'queued');
    await prisma.sentNotice.create({ data: { accountId: queued.accountId, dedupeKey: 'q', rule: 'reminder', status: 'queued' } });
    const claimedFresh = await account(h, 'claimed-fresh');
    await prisma.sentNotice.create({
      data: { accountId: claimedFresh.accountId, dedupeKey: 'c', rule: 'reminder', status: 'claimed', claimedAt: at(0) },
    });
    const claimedStale = await account(h, 'claimed-stale');
    await prisma.sentNotice.create({
      data: { accountId: claimedStale.accountId, dedupeKey: 'c', rule: 'reminder', status: 'claimed', claimedAt: at(-1) },
    });
    const scim = await account(h, 'scim');
    await prisma.auditEvent.create({ data: { accountId: scim.accountId, action: 'user.provisioned', source: 'scim' } });

    /** Each account with anything due, by name, with what is due in it. */
    const found = async (options?: { channel?: boolean }) => {
      const kinds = await due(h, options);
      const all = await prisma.account.findMany({ select: { id: true, name: true } });
      return Object.fromEntries(all.filter((a) => kinds.has(a.id)).map((a) => [a.name, [...(kinds.get(a.id) ?? [])].sort()]));
    };
    const names = async (options?: { channel?: boolean }) => Object.keys(await found(options)).sort();
    // The harness's own account has nothing due; each other account has what its rows make due.
    expect(await found()).toEqual({
      approval: ['approvals'],
      'claimed-stale': ['notice:reminder'],
      // An invite past its expiry is also within the warning window (no warning was sent); its reminders are used up.
      expired: ['invites-expire', 'invites-warn'],
      passcode: ['passcodes'],
      queued: ['notice:reminder'],
      remind: ['invites-remind'],
      warn: ['invites-warn'],
    });
    // SCIM events wait for a digest only where there is a notices channel to send it to.
    expect(await names({ channel: true })).toContain('scim');
    await prisma.account.update({ where: { id: scim.accountId }, data: { noticesChannel: 'C0NOTICES' } });
    expect(await names()).toContain('scim');
    await prisma.noticeCursor.create({ data: { accountId: scim.accountId, name: 'scim-digest', position: 1n << 40n } });
    expect(await names()).not.toContain('scim');
  });

  it('replicas share a pass: each account once, and a dead replica’s claim is taken once it runs out', async () => {
    const h = await store.fresh();
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) ids.push((await account(h, `a${i}`)).accountId);
    const ran: { replica: string; accountId: string }[] = [];
    // Time passes while replicas work (a claim says when its account was done): a clock that ticks.
    let ticks = 0;
    const clock = { now: () => new Date(h.clock.now().getTime() + ++ticks) };
    const scheduler = (replica: string) =>
      createScheduler({
        accounts: async (): Promise<AccountRef[]> =>
          ids.map((accountId) => ({
            accountId,
            due: new Set(['invites-expire'] as const),
            work: async () => {
              ran.push({ replica, accountId });
              await new Promise((resolve) => setTimeout(resolve, 5));
              return null;
            },
          })),
        housekeeping: { prisma: h.db.prisma, clock },
        logger: pino({ level: 'silent' }),
        cronSchedule: '0 0 1 1 *',
      });
    const [one, two] = [scheduler('one'), scheduler('two')];
    // A replica that died holding the first account's claim.
    await h.db.prisma.schedulerClaim.create({
      data: { accountId: ids[0] as string, owner: 'dead', until: new Date(h.clock.now().getTime() + 60_000) },
    });
    await Promise.all([one.runOnce(), two.runOnce()]);
    expect(ran.map((r) => r.accountId).sort()).toEqual(ids.slice(1).sort());
    expect(new Set(ran.map((r) => r.replica))).toEqual(new Set(['one', 'two']));
    // The next pass, after the dead replica's claim ran out (15 minutes), runs every account, that one too.
    ran.length = 0;
    h.clock.set(new Date(h.clock.now().getTime() + 16 * 60_000));
    await one.runOnce();
    expect(ran.map((r) => r.accountId).sort()).toEqual([...ids].sort());
  });
});
