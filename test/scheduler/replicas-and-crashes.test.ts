import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createApprovalService } from '../../src/domain/approvals/approval-service';
import { createAuditService } from '../../src/domain/audit/audit-service';
import type { Delivery, OutgoingLink } from '../../src/domain/delivery/delivery';
import { createInviteLinks } from '../../src/domain/invites/invite-links';
import { createNoticeOutbox } from '../../src/domain/notices/notice-outbox';
import { loadCatalog, type Policy } from '../../src/domain/roles/catalog';
import { hashToken } from '../../src/domain/secrets';
import { dueHorizons } from '../../src/scheduler/due-horizons';
import { expireInvites } from '../../src/scheduler/due-work';
import { type AccountRef, type AccountWork, createScheduler, type Scheduler } from '../../src/scheduler/scheduler';
import type { DigestEntry, SchedulerNotifier } from '../../src/scheduler/send-notices';
import { type Database, openDatabase } from '../../src/store/database';
import { type DueWork, findAccountsWithDueWork } from '../../src/store/scheduler/due-accounts';
import { type DomainHarness, domainStore, LINK_SECRET } from '../support/domain-harness';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';

interface Recorder {
  deliveries: OutgoingLink[];
  dms: string[];
  /** The inviters' DMs on expiry: to whom, the addresses listed, and how many were said to follow. */
  expiryDms: { to: string; emails: string[]; more: number }[];
  digests: DigestEntry[][];
  /** Access review pages DMed: to whom, why, and how many rows were open. */
  reviewDms: { to: string; intro: 'assigned' | 'reminder'; open: number }[];
  reports: { to: string; rows: number }[];
}

function newRecorder(): Recorder {
  return { deliveries: [], dms: [], expiryDms: [], digests: [], reviewDms: [], reports: [] };
}

/** A scheduler as one replica would build it, on its own connection to the store. */
function replica(h: DomainHarness, db: Database, recorder: Recorder, batchSize = 500, policy = loadCatalog().catalog.policy) {
  return createScheduler({
    accounts: (now) => whatIsDue(db, accountWork(h, db, recorder, batchSize, LINK_SECRET, policy), now, policy),
    housekeeping: { prisma: db.prisma, clock: h.clock },
    logger: pino({ level: 'silent' }),
    cronSchedule: '*/5 * * * *',
  });
}

/** Every step of an account's part of a pass (as if everything were due). */
const EVERY_STEP = new Set<DueWork>([
  'invites-expire',
  'invites-remind',
  'invites-warn',
  'passcodes',
  'approvals',
  'handoffs',
  'scim-digest',
]);

/** An account a pass visits, with its work already built; every step runs unless `due` says otherwise. */
function refOf(work: AccountWork, due: ReadonlySet<DueWork> = EVERY_STEP): AccountRef {
  return { accountId: work.due.accountId, due, work: async () => work };
}

/** The account of `work` if the pass's query finds anything due in it at `now`, with what it found, as main.ts asks. */
async function whatIsDue(
  db: Database,
  work: AccountWork,
  now: Date,
  policy = loadCatalog().catalog.policy,
): Promise<AccountRef[]> {
  const due = await findAccountsWithDueWork(db.prisma, dueHorizons(now, [policy], true));
  const found = due.get(work.due.accountId);
  return found ? [refOf(work, found)] : [];
}

/** The harness account's part of a pass, on `db`. */
function accountWork(
  h: DomainHarness,
  db: Database,
  recorder: Recorder,
  batchSize = 500,
  linkSecret = LINK_SECRET,
  policy = loadCatalog().catalog.policy,
): AccountWork {
  const { prisma } = db;
  const accountId = h.accountId;
  const clock = h.clock;
  const audit = createAuditService({ db: prisma, accountId, clock });
  const approvals = createApprovalService({
    prisma,
    accountId,
    clock,
    audit,
    ttlHours: policy.approvals.ttlHours,
  });
  const delivery: Delivery = {
    async send(message) {
      recorder.deliveries.push(message);
      return { email: message.email, slack: 'not-in-workspace', mail: 'sent', problems: [] };
    },
  };
  const notifier: SchedulerNotifier = {
    async dm(person, text) {
      recorder.dms.push(`${person.email}: ${text}`);
      return true;
    },
    async expiredInvites(inviter, invites, more) {
      recorder.expiryDms.push({ to: inviter.email, emails: invites.map((i) => i.email), more });
      return true;
    },
    async digest(_kind, entries) {
      recorder.digests.push(entries);
      return true;
    },
    async scimDigest() {
      return true;
    },
    async approvalSettled() {},
    async reviewPage(reviewer, page, why) {
      recorder.reviewDms.push({ to: reviewer.email, intro: why, open: page.open });
      return true;
    },
    async reviewNotStarted(owner, campaign) {
      recorder.dms.push(`${owner.email}: ${campaign.name} did not start: ${campaign.closeReason}`);
      return true;
    },
    async reviewOverdue(owner, campaign) {
      recorder.dms.push(`${owner.email}: review #${campaign.number} is past due`);
      return true;
    },
    async reviewReport(person, report) {
      recorder.reports.push({ to: person.email, rows: report.rows.length });
      return true;
    },
    async grantEnded(holder, grant) {
      recorder.dms.push(`${holder.email}: your ${grant.access} access ended`);
      return true;
    },
    async refreshHome() {},
    async grantEnding(holder, grant) {
      recorder.dms.push(`${holder.email}: your ${grant.access} access ends soon`);
      return true;
    },
    async breakGlass(grant, admins) {
      for (const admin of admins) recorder.dms.push(`${admin.email}: review ${grant.holder.email}'s break-glass`);
    },
  };
  const outbox = createNoticeOutbox({ prisma, accountId, clock });
  // The change layer on this replica's connection: the scheduler's expiries and reminders are changes.
  const { changes, reviews, grants } = h.services({ prisma, linkSecret });
  return {
    due: { prisma, changes, audit, accountId, clock, outbox, policy, batchSize },
    send: {
      prisma,
      changes,
      accountId,
      outbox,
      delivery,
      links: createInviteLinks({ secret: linkSecret, publicUrl: 'http://roster.test' }),
      approvals,
      reviews,
      grants,
      notifier,
      logger: pino({ level: 'silent' }),
    },
  };
}

describe.each(testTargets())('scheduler passes across replicas and crashes (%s store)', (target) => {
  let h: DomainHarness;
  const extra: Database[] = [];
  const store = domainStore(target);
  afterEach(async () => {
    for (const db of extra.splice(0)) await db.close();
  });
  afterAll(() => store.close());

  /**
   * Two replicas of the scheduler recording to `recorder`, each on its own connection on PostgreSQL (PGlite
   * is one connection by nature).
   */
  async function twoReplicas(recorder: Recorder, policy?: Policy) {
    const second = target === 'postgres' ? await openDatabase({ databaseUrl: h.url, dataDir: '/tmp' }) : h.db;
    if (second !== h.db) extra.push(second);
    return { a: replica(h, h.db, recorder, 25, policy), b: replica(h, second, recorder, 25, policy) };
  }
  const bothPass = (a: Scheduler, b: Scheduler) => Promise.all([a.runOnce(), b.runOnce()]);

  it('prunes stale rate limits once a pass, even with no account installed to serve', async () => {
    h = await store.fresh();
    const now = h.clock.now();
    await h.db.prisma.rateLimitBucket.createMany({
      data: [
        { key: 'fail:verify:203.0.113.1', windowStart: new Date(now.getTime() - 2 * 3_600_000), count: 4 },
        { key: 'fail:verify:203.0.113.2', windowStart: now, count: 1 },
      ],
    });
    const scheduler = createScheduler({
      accounts: async () => [],
      housekeeping: { prisma: h.db.prisma, clock: h.clock },
      logger: pino({ level: 'silent' }),
      cronSchedule: '*/5 * * * *',
    });
    await scheduler.runOnce();
    expect(await h.db.prisma.rateLimitBucket.findMany({ select: { key: true } })).toEqual([{ key: 'fail:verify:203.0.113.2' }]);
  });

  async function inviteMany(n: number) {
    const { changes } = h.services({ seatLimit: 10_000 });
    for (let i = 0; i < n; i += 50) {
      const emails = Array.from({ length: Math.min(50, n - i) }, (_, j) => `p${i + j}@example.com`);
      await changes.submit(h.owner, { kind: 'invite', emails });
    }
  }

  /** `n` invites from `inviterId` written straight to the store, already reminded, expiring in an hour. */
  async function expiringInvites(inviterId: string, prefix: string, n: number) {
    const now = h.clock.now();
    const hours = (x: number) => new Date(now.getTime() + x * 3_600_000);
    const emails = Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}@example.com`);
    await h.db.prisma.user.createMany({
      data: emails.map((email) => ({ accountId: h.accountId, email, status: 'invited' as const, invitedById: inviterId })),
    });
    const users = await h.db.prisma.user.findMany({ where: { email: { in: emails } }, select: { id: true } });
    await h.db.prisma.invite.createMany({
      data: users.map((u) => ({
        accountId: h.accountId,
        userId: u.id,
        tokenHash: randomUUID(),
        tokenNonce: randomUUID(),
        invitedById: inviterId,
        sentAt: hours(-47),
        lastSentAt: hours(-23),
        resendCount: 1,
        expiresAt: hours(1),
      })),
    });
    return emails;
  }

  async function secondInviter(): Promise<string> {
    const ivy = await h.db.prisma.user.create({ data: { accountId: h.accountId, email: 'ivy@example.com', status: 'active' } });
    return ivy.id;
  }

  const sizesTo = (r: Recorder, to: string) => r.expiryDms.filter((d) => d.to === to).map((d) => d.emails.length);

  it('an inviter whose 120 invites expire in one pass gets 3 DMs (50, 50, 20), and nothing more later', async () => {
    h = await store.fresh();
    const emails = await expiringInvites(h.owner.userId as string, 'x', 120);
    const recorder = newRecorder();
    const scheduler = replica(h, h.db, recorder, 25);
    h.clock.advanceHours(2);
    expect((await scheduler.runOnce()).expired).toBe(120);
    expect(sizesTo(recorder, 'owner@example.com')).toEqual([50, 50, 20]);
    expect(recorder.expiryDms.map((d) => d.more)).toEqual([70, 20, 0]);
    expect(recorder.expiryDms.flatMap((d) => d.emails).sort()).toEqual(emails);
    expect(recorder.dms).toEqual([]);
    await scheduler.runOnce();
    h.clock.advanceHours(1); // past any lease
    await scheduler.runOnce();
    expect(recorder.expiryDms).toHaveLength(3);
    expect(await h.db.prisma.sentNotice.count({ where: { rule: 'expiry-dm', status: { not: 'sent' } } })).toBe(0);
  });

  it("serves every other account when one account's store work fails, and reports the failure", async () => {
    h = await store.fresh();
    const emails = await expiringInvites(h.owner.userId as string, 'x', 5);
    const recorder = newRecorder();
    const good = accountWork(h, h.db, recorder);
    const unreachable = new Proxy({} as Database['prisma'], {
      get() {
        throw new Error('store unreachable');
      },
    });
    // Another account, whose store work fails.
    const { id: elsewhere } = await h.db.prisma.account.create({ data: { name: 'Elsewhere' } });
    const broken: AccountWork = {
      due: { ...good.due, accountId: elsewhere, prisma: unreachable },
      send: { ...good.send, accountId: elsewhere, prisma: unreachable },
    };
    const scheduler = createScheduler({
      accounts: async () => [refOf(broken), refOf(good)],
      housekeeping: { prisma: h.db.prisma, clock: h.clock },
      logger: pino({ level: 'silent' }),
      cronSchedule: '*/5 * * * *',
    });
    h.clock.advanceHours(2);
    await expect(scheduler.runOnce()).rejects.toThrow('store unreachable');
    expect(await h.db.prisma.invite.count({ where: { status: 'expired' } })).toBe(5);
    expect(recorder.expiryDms.flatMap((d) => d.emails).sort()).toEqual(emails);
  });

  it('reminds with a link that opens after the link secret changed: the same invite and expiry, a new token', async () => {
    h = await store.fresh();
    await h.services().changes.submit(h.owner, { kind: 'invite', emails: ['kim@example.com', 'lee@example.com'] });
    const before = await h.db.prisma.invite.findMany({ orderBy: { id: 'asc' } });
    const tokenOf = (link: string) => link.split('/invite/')[1] as string;
    const recorder = newRecorder();
    const rotated = createScheduler({
      accounts: async () => [refOf(accountWork(h, h.db, recorder, 500, 'y'.repeat(32)))],
      housekeeping: { prisma: h.db.prisma, clock: h.clock },
      logger: pino({ level: 'silent' }),
      cronSchedule: '*/5 * * * *',
    });
    h.clock.advanceHours(25);
    expect((await rotated.runOnce()).reminded).toBe(2);
    const after = await h.db.prisma.invite.findMany({ orderBy: { id: 'asc' } });
    const reminders = recorder.deliveries.filter((d) => d.kind === 'invite-reminder');
    expect(reminders).toHaveLength(2);
    for (const reminder of reminders) {
      const invite = after.find((i) => i.tokenHash === hashToken(tokenOf(reminder.link)));
      const was = before.find((i) => i.id === invite?.id);
      expect(invite).toMatchObject({ status: 'pending', expiresAt: was?.expiresAt });
      expect(invite?.tokenHash).not.toBe(was?.tokenHash);
    }
  });

  it('two inviters each get their own DMs, listing only their invites', async () => {
    h = await store.fresh();
    const ivyId = await secondInviter();
    const owners = await expiringInvites(h.owner.userId as string, 'o', 60);
    const ivys = await expiringInvites(ivyId, 'i', 7);
    const recorder = newRecorder();
    h.clock.advanceHours(2);
    const report = await replica(h, h.db, recorder, 25).runOnce();
    expect(sizesTo(recorder, 'owner@example.com')).toEqual([50, 10]);
    expect(sizesTo(recorder, 'ivy@example.com')).toEqual([7]);
    // The pass counts every notice it sent: both inviters' DMs (sent at once) and the digest's.
    expect(report.sent).toBe(67 + recorder.digests.flat().length);
    const listedTo = (to: string) => recorder.expiryDms.filter((d) => d.to === to).flatMap((d) => d.emails);
    expect(listedTo('owner@example.com').sort()).toEqual(owners);
    expect(listedTo('ivy@example.com').sort()).toEqual(ivys);
  });

  it('two replicas passing at once send each inviter one set of DMs', async () => {
    h = await store.fresh();
    const ivyId = await secondInviter();
    const owners = await expiringInvites(h.owner.userId as string, 'o', 120);
    const ivys = await expiringInvites(ivyId, 'i', 30);
    const recorder = newRecorder();
    const { a, b } = await twoReplicas(recorder);
    h.clock.advanceHours(2);
    const reports = await Promise.all([a.runOnce(), b.runOnce()]);
    expect(reports[0].expired + reports[1].expired).toBe(150);
    await Promise.all([a.runOnce(), b.runOnce()]);
    h.clock.advanceHours(1);
    await Promise.all([a.runOnce(), b.runOnce()]);
    expect(sizesTo(recorder, 'owner@example.com').sort()).toEqual([20, 50, 50]);
    expect(sizesTo(recorder, 'ivy@example.com')).toEqual([30]);
    const listed = recorder.expiryDms.flatMap((d) => d.emails);
    expect(listed).toHaveLength(150);
    expect([...new Set(listed)].sort()).toEqual([...owners, ...ivys].sort());
  });

  it('a pass that dies after claiming an inviter DM: it goes out after the lease, once, with the rest', async () => {
    h = await store.fresh();
    const emails = await expiringInvites(h.owner.userId as string, 'x', 120);
    const recorder = newRecorder();
    const scheduler = replica(h, h.db, recorder, 25);
    h.clock.advanceHours(2);
    // The crashed pass: expired and queued everything, claimed the first DM, then died before sending it.
    const outbox = createNoticeOutbox({ prisma: h.db.prisma, accountId: h.accountId, clock: h.clock });
    const policy = loadCatalog().catalog.policy;
    const audit = createAuditService({ db: h.db.prisma, accountId: h.accountId, clock: h.clock });
    const { changes } = h.services();
    const due = { prisma: h.db.prisma, changes, audit, accountId: h.accountId, clock: h.clock, outbox, policy };
    expect(await expireInvites(due)).toBe(120);
    expect((await outbox.claimGroup('expiry-dm', 50))?.notices).toHaveLength(50);
    // Within the lease the inviter's DMs wait (the continuation must not go out before the first message)…
    h.clock.advanceHours(0.1);
    await scheduler.runOnce();
    expect(recorder.expiryDms).toEqual([]);
    // …and after it, all of them go out, each address once.
    h.clock.advanceHours(0.1);
    await scheduler.runOnce();
    expect(sizesTo(recorder, 'owner@example.com')).toEqual([50, 50, 20]);
    expect(recorder.expiryDms.flatMap((d) => d.emails).sort()).toEqual(emails);
    await scheduler.runOnce();
    expect(recorder.expiryDms).toHaveLength(3);
  });

  it('two passes at the same time send each reminder and each notice once', async () => {
    h = await store.fresh();
    await inviteMany(120);
    // On PostgreSQL each replica has its own connection pool; PGlite is one connection by nature.
    const recorder = newRecorder();
    const { a, b } = await twoReplicas(recorder);
    h.sent.length = 0;
    h.clock.advanceHours(24.5);
    await Promise.all([a.runOnce(), b.runOnce()]);
    expect(recorder.deliveries.filter((d) => d.kind === 'invite-reminder')).toHaveLength(120);
    expect(new Set(recorder.deliveries.map((d) => d.email)).size).toBe(120);
    h.clock.advanceHours(24);
    await Promise.all([a.runOnce(), b.runOnce()]);
    const listed = recorder.digests.flat().map((e) => e.email);
    // 120 in the expiring-soon digest (at 36 h) is not reached here; the expiry digest lists each once.
    expect(listed.filter((e) => e.startsWith('p'))).toHaveLength(120);
    expect(new Set(listed).size).toBe(120);
    // All 120 were the owner's: one DM of 50, then continuations of 50 and 20, each address once.
    expect(recorder.expiryDms.map((d) => d.emails.length).sort()).toEqual([20, 50, 50]);
    expect(new Set(recorder.expiryDms.flatMap((d) => d.emails)).size).toBe(120);
    expect(recorder.dms).toEqual([]);
    expect(await h.db.prisma.user.count({ where: { status: 'expired' } })).toBe(120);
  });

  it('a scheduled access review starts once across replicas, reminds once, and at its due date removes what is still open', async () => {
    h = await store.fresh();
    const catalogPolicy = loadCatalog().catalog.policy;
    const policy = {
      ...catalogPolicy,
      reviews: [
        {
          name: 'Editors',
          scope: { roles: ['editor'], perms: [], groups: [], partners: [], everyone: false },
          everyDays: 90,
          reviewers: ['owner'],
          dueDays: 7,
          onOverdue: 'revoke-access' as const,
        },
      ],
    };
    for (const name of ['ann', 'bob', 'cy']) {
      await seedUser(
        { prisma: h.db.prisma, accountId: h.accountId },
        { email: `${name}@example.com`, roles: ['editor', 'viewer'] },
      );
    }
    const recorder = newRecorder();
    const { a, b } = await twoReplicas(recorder, policy);
    await bothPass(a, b);
    await bothPass(a, b);
    const campaigns = await h.db.prisma.reviewCampaign.findMany();
    expect(campaigns.map((c) => [c.name, c.schedule, c.status])).toEqual([['Editors', 'Editors', 'open']]);
    expect(recorder.reviewDms).toEqual([{ to: 'owner@example.com', intro: 'assigned', open: 3 }]);

    const campaign = campaigns[0] as (typeof campaigns)[number];
    const [first] = await h.db.prisma.reviewRow.findMany({ where: { campaignId: campaign.id }, orderBy: { position: 'asc' } });
    await h
      .services()
      .changes.submit(h.owner, { kind: 'review-decide', campaign: campaign.id, rows: [first?.id ?? ''], decision: 'keep' });
    h.clock.advanceHours(3 * 24 + 1);
    await bothPass(a, b);
    await bothPass(a, b);
    expect(recorder.reviewDms.slice(1)).toEqual([{ to: 'owner@example.com', intro: 'reminder', open: 2 }]);

    h.clock.advanceHours(4 * 24);
    await bothPass(a, b);
    await bothPass(a, b);
    const closed = await h.db.prisma.reviewCampaign.findUniqueOrThrow({ where: { id: campaign.id } });
    expect([closed.status, closed.closeReason]).toEqual(['closed', 'overdue']);
    const rows = await h.db.prisma.reviewRow.findMany({ where: { campaignId: campaign.id }, orderBy: { position: 'asc' } });
    expect(rows.map((r) => [r.email, r.decision, r.decidedByEmail])).toEqual([
      ['ann@example.com', 'keep', 'owner@example.com'],
      ['bob@example.com', 'remove', 'roster'],
      ['cy@example.com', 'remove', 'roster'],
    ]);
    const editors = await h.db.prisma.userRole.count({ where: { role: { key: 'editor' } } });
    expect(editors).toBe(1);
    expect(recorder.dms.filter((dm) => dm.includes('past due'))).toHaveLength(1);
    expect(recorder.reports).toEqual([{ to: 'owner@example.com', rows: 3 }]);
    expect(await h.db.prisma.reviewCampaign.count()).toBe(1);
  });

  it('time-bound grants across replicas: each holder warned once, each end recorded, audited and told once, break-glass raised once a day', async () => {
    h = await store.fresh();
    const admin = await h.db.prisma.role.findFirstOrThrow({ where: { accountId: h.accountId, key: 'admin' } });
    const now = h.clock.now();
    const holders: string[] = [];
    // 30 grants: more than one batch (25) of each step.
    for (let i = 0; i < 30; i++) {
      const email = `holder${i}@example.com`;
      const user = await seedUser({ prisma: h.db.prisma, accountId: h.accountId }, { email, roles: ['viewer'] });
      holders.push(email);
      await h.db.prisma.timedGrant.create({
        data: {
          accountId: h.accountId,
          userId: user.id,
          roleId: admin.id,
          reason: `INC-${i}`,
          startsAt: now,
          endsAt: new Date(now.getTime() + (30 + (i % 5)) * 60_000),
          grantedBy: 'owner@example.com',
          spanMinutes: 60,
          via: i === 0 ? 'break-glass' : 'admin',
          breakGlass: i === 0,
        },
      });
    }
    const recorder = newRecorder();
    const { a, b } = await twoReplicas(recorder);
    const told = (words: string) => recorder.dms.filter((dm) => dm.includes(words));

    // Twenty minutes on: every grant ends within the 15-minute warning, and each holder is warned once.
    h.clock.advanceHours(20 / 60);
    await bothPass(a, b);
    await bothPass(a, b);
    expect(
      told('ends soon')
        .map((dm) => dm.split(':')[0])
        .sort(),
    ).toEqual([...holders].sort());

    // Past every end: each is recorded once, with one audit entry and one DM.
    h.clock.advanceHours(20 / 60);
    await bothPass(a, b);
    await bothPass(a, b);
    expect(
      told('access ended')
        .map((dm) => dm.split(':')[0])
        .sort(),
    ).toEqual([...holders].sort());
    expect(await h.db.prisma.timedGrant.count({ where: { endReason: 'expired' } })).toBe(30);
    expect(await h.db.prisma.auditEvent.count({ where: { action: 'grant.ended' } })).toBe(30);
    expect(told('ends soon')).toHaveLength(30);

    // The break-glass use nobody reviewed: raised to the Admins once a day, not on every pass.
    expect(told("review holder0@example.com's break-glass")).toEqual([]);
    h.clock.advanceHours(24);
    await bothPass(a, b);
    await bothPass(a, b);
    expect(told("review holder0@example.com's break-glass")).toEqual([
      "owner@example.com: review holder0@example.com's break-glass",
    ]);
    h.clock.advanceHours(2);
    await bothPass(a, b);
    expect(told("review holder0@example.com's break-glass")).toHaveLength(1);
  });

  it('a scheduled access review that cannot start is recorded once for its period, the owner told once', async () => {
    h = await store.fresh();
    const catalogPolicy = loadCatalog().catalog.policy;
    const review = {
      name: 'Sales',
      scope: { roles: [], perms: [], groups: ['Sales'], partners: [], everyone: false },
      everyDays: 30,
      reviewers: ['owner'],
      dueDays: 7,
      onOverdue: 'remind' as const,
    };
    const policy = { ...catalogPolicy, reviews: [review] };
    const recorder = newRecorder();
    const { a, b } = await twoReplicas(recorder, policy);
    await bothPass(a, b);
    await bothPass(a, b);
    const campaigns = await h.db.prisma.reviewCampaign.findMany();
    expect(campaigns.map((c) => [c.name, c.status, c.closeReason])).toEqual([['Sales', 'failed', 'There is no group `Sales`.']]);
    expect(recorder.dms).toEqual(['owner@example.com: Sales did not start: There is no group `Sales`.']);
    // Nothing is due for it again this period: the pass's query leaves the account out.
    const due = await findAccountsWithDueWork(h.db.prisma, dueHorizons(h.clock.now(), [policy], true));
    expect(due.get(h.accountId)?.has('review-schedule') ?? false).toBe(false);
    // The next period tries again, and now it starts.
    await h.db.prisma.group.create({ data: { accountId: h.accountId, name: 'Sales' } });
    await seedUser({ prisma: h.db.prisma, accountId: h.accountId }, { email: 'sam@example.com' });
    const group = await h.db.prisma.group.findFirstOrThrow({ where: { name: 'Sales' } });
    const sam = await h.db.prisma.user.findFirstOrThrow({ where: { email: 'sam@example.com' } });
    await h.db.prisma.groupMembership.create({ data: { groupId: group.id, userId: sam.id } });
    h.clock.advanceHours(30 * 24);
    await Promise.all([a.runOnce(), b.runOnce()]);
    const started = await h.db.prisma.reviewCampaign.findMany({ orderBy: { number: 'asc' } });
    expect(started.map((c) => [c.number, c.status])).toEqual([
      [1, 'failed'],
      [2, 'open'],
    ]);
  });

  it('stopping the scheduler stops a running pass between batches; another replica finishes the work', async () => {
    h = await store.fresh();
    await inviteMany(40);
    const recorder = newRecorder();
    const stopping = replica(h, h.db, recorder, 10);
    h.clock.advanceHours(24.5);
    const pass = stopping.runOnce();
    await stopping.stop();
    const report = await pass;
    expect(report.stopped).toBe(true);
    expect(report.reminded).toBeLessThan(40);
    await replica(h, h.db, recorder, 10).runOnce();
    expect(recorder.deliveries).toHaveLength(40);
    expect(new Set(recorder.deliveries.map((d) => d.email)).size).toBe(40);
  });

  it('a pass stopped between batches loses nothing and doubles nothing', async () => {
    h = await store.fresh();
    await inviteMany(60);
    const recorder = newRecorder();
    const scheduler = replica(h, h.db, recorder, 10);
    h.clock.advanceHours(24.5);
    const stop = new AbortController();
    stop.abort();
    const stopped = await scheduler.runOnce(stop.signal);
    expect(stopped.stopped).toBe(true);
    expect(recorder.deliveries).toHaveLength(0);
    // The first batch of a "crashed" pass: committed and queued, nothing sent yet.
    const { queueReminders } = await import('../../src/scheduler/due-work');
    const outbox = createNoticeOutbox({ prisma: h.db.prisma, accountId: h.accountId, clock: h.clock });
    const policy = loadCatalog().catalog.policy;
    expect(
      await queueReminders({
        prisma: h.db.prisma,
        changes: h.services().changes,
        audit: createAuditService({ db: h.db.prisma, accountId: h.accountId, clock: h.clock }),
        accountId: h.accountId,
        clock: h.clock,
        outbox,
        policy,
        batchSize: 10,
      }),
    ).toBe(10);
    // …and a claim whose sender died before sending: its lease has to run out first.
    const claimed = await outbox.claim('reminder', 5);
    expect(claimed).toHaveLength(5);
    const next = await scheduler.runOnce();
    expect(next.reminded).toBe(50);
    expect(recorder.deliveries).toHaveLength(55);
    h.clock.advanceHours(0.2);
    await scheduler.runOnce();
    expect(recorder.deliveries).toHaveLength(60);
    expect(new Set(recorder.deliveries.map((d) => d.email)).size).toBe(60);
    await scheduler.runOnce();
    expect(recorder.deliveries).toHaveLength(60);
  });
});
