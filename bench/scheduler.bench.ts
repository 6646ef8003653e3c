/**
 * A scheduler pass over 100 000 pending invites, 10 000 of them due (5 000 reminders, 5 000
 * expiries, with their DMs, e-mails and digests), next to the equivalent plain SQL updates.
 */
import { startHarness } from '../test/support/roster-harness';
import { type BenchRow, ratio, sampleMemory } from './bench-row';
import { seedUsers } from './seed-bench';

const TOTAL = 100_000;
const REMIND = 5_000;
const EXPIRE = 5_000;

export async function run(): Promise<BenchRow[]> {
  const h = await startHarness('embedded', { SEAT_LIMIT: '1000000', NOTICES_CHANNEL: 'C0NOTICES', LOG_LEVEL: 'warn' });
  const now = h.clock.now().getTime();
  const hours = (n: number) => new Date(now + n * 3_600_000);
  await seedUsers(h.roster, TOTAL, {
    status: 'invited',
    invite: (i) =>
      i < REMIND
        ? { sentAt: hours(-25), expiresAt: hours(23) }
        : i < REMIND + EXPIRE
          ? { sentAt: hours(-49), expiresAt: hours(-1) }
          : { sentAt: hours(-1), expiresAt: hours(47) },
  });
  // Mark the expiring ones as already reminded, so each due invite is due for one thing.
  await h.roster.prisma.invite.updateMany({ where: { expiresAt: { lt: new Date(now) } }, data: { resendCount: 1 } });

  const plainStart = performance.now();
  await h.roster.prisma
    .$transaction(async (tx) => {
      await tx.$executeRaw`UPDATE "Invite" SET "status" = 'expired' WHERE "status" = 'pending' AND "expiresAt" <= ${new Date(now)}`;
      await tx.$executeRaw`UPDATE "Invite" SET "resendCount" = "resendCount" + 1, "lastSentAt" = ${new Date(now)}
      WHERE "status" = 'pending' AND "resendCount" < 1 AND "lastSentAt" <= ${hours(-24)} AND "expiresAt" > ${new Date(now)}`;
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  const plainMs = performance.now() - plainStart;

  const rssBefore = Math.round(process.memoryUsage().rss / 1024 / 1024);
  const memory = sampleMemory();
  const passStart = performance.now();
  const report = await h.roster.scheduler.runOnce();
  const passMs = performance.now() - passStart;
  const peak = memory.stop();
  await h.close();
  if (report.reminded !== REMIND || report.expired !== EXPIRE) throw new Error(`unexpected pass: ${JSON.stringify(report)}`);
  return [
    {
      benchmark: 'scheduler pass, 100 000 pending invites (10 000 due)',
      measure: 'time (ms)',
      value: passMs.toFixed(0),
      baseline: plainMs.toFixed(0),
      ratio: ratio(passMs, plainMs),
      notes: `baseline = the two plain SQL UPDATEs alone; the pass also audits, queues and sends ${report.sent} notices (DMs to a loopback fake Slack, .eml outbox)`,
    },
    {
      benchmark: 'scheduler pass, 100 000 pending invites (10 000 due)',
      measure: 'peak RSS (MiB)',
      value: String(peak),
      baseline: String(rssBefore),
      ratio: ratio(peak, rssBefore),
      notes: 'baseline = RSS just before the pass; whole process, including the embedded PostgreSQL',
    },
  ];
}

class Rollback extends Error {}
