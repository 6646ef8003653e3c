import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createAccessService } from '../../src/domain/access/access-service';
import { createApprovalService } from '../../src/domain/approvals/approval-service';
import { createAuditService } from '../../src/domain/audit/audit-service';
import type { Delivery, OutgoingLink } from '../../src/domain/delivery/delivery';
import { createInviteLinks } from '../../src/domain/invites/invite-links';
import { createNoticeOutbox } from '../../src/domain/notices/notice-outbox';
import { loadCatalog } from '../../src/domain/roles/catalog';
import { createScheduler } from '../../src/scheduler/scheduler';
import type { DigestEntry, SchedulerNotifier } from '../../src/scheduler/send-notices';
import { type Database, openDatabase } from '../../src/store/database';
import { type DomainHarness, startDomainHarness } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

interface Recorder {
  deliveries: OutgoingLink[];
  dms: string[];
  digests: DigestEntry[][];
}

/** A scheduler as one replica would build it, on its own connection to the store. */
function replica(h: DomainHarness, db: Database, recorder: Recorder, batchSize = 500) {
  const { prisma } = db;
  const accountId = h.accountId;
  const clock = h.clock;
  const audit = createAuditService({ db: prisma, accountId, clock });
  const access = createAccessService({ prisma, accountId, profiles: { emailOf: async () => null } });
  const policy = loadCatalog().catalog.policy;
  const approvals = createApprovalService({
    prisma,
    accountId,
    clock,
    audit,
    policy: policy.approvals,
    enabled: true,
    executors: {},
    actorById: (id) => access.actorForUserId(id, 'approval'),
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
    async digest(_kind, entries) {
      recorder.digests.push(entries);
      return true;
    },
    async approvalSettled() {},
  };
  const outbox = createNoticeOutbox({ prisma, accountId, clock });
  return createScheduler({
    due: { prisma, audit, accountId, clock, outbox, policy, batchSize },
    send: {
      prisma,
      outbox,
      delivery,
      links: createInviteLinks({ secret: 'x'.repeat(32), publicUrl: 'http://roster.test' }),
      approvals,
      notifier,
      logger: pino({ level: 'silent' }),
    },
    logger: pino({ level: 'silent' }),
    cronSchedule: '*/5 * * * *',
  });
}

describe.each(testTargets())('scheduler passes across replicas and crashes (%s store)', (target) => {
  let h: DomainHarness;
  const extra: Database[] = [];
  afterEach(async () => {
    for (const db of extra.splice(0)) await db.close();
    await h?.close();
  });

  async function inviteMany(n: number) {
    const { invites } = h.services({ seatLimit: 10_000 });
    for (let i = 0; i < n; i += 50) {
      const emails = Array.from({ length: Math.min(50, n - i) }, (_, j) => `p${i + j}@example.com`);
      await invites.invite(h.owner, { emails });
    }
  }

  it('two passes at the same time send each reminder and each notice once', async () => {
    h = await startDomainHarness(target);
    await inviteMany(120);
    // On PostgreSQL each replica has its own connection pool; PGlite is one connection by nature.
    const second = target === 'postgres' ? await openDatabase({ databaseUrl: h.url, dataDir: '/tmp' }) : h.db;
    if (second !== h.db) extra.push(second);
    const recorder: Recorder = { deliveries: [], dms: [], digests: [] };
    const a = replica(h, h.db, recorder, 25);
    const b = replica(h, second, recorder, 25);
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
    expect(recorder.dms).toHaveLength(120);
    expect(await h.db.prisma.user.count({ where: { status: 'expired' } })).toBe(120);
  });

  it('stopping the scheduler stops a running pass between batches; another replica finishes the work', async () => {
    h = await startDomainHarness(target);
    await inviteMany(40);
    const recorder: Recorder = { deliveries: [], dms: [], digests: [] };
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
    h = await startDomainHarness(target);
    await inviteMany(60);
    const recorder: Recorder = { deliveries: [], dms: [], digests: [] };
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
