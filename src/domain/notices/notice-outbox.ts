/**
 * The notice outbox (table SentNotice): a notice is queued once per de-duplication key (rule +
 * subject + occasion), claimed by one scheduler pass at a time with a lease, and marked sent.
 * A pass that dies after claiming leaves the lease to run out; the next pass sends it then.
 */
import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient } from '../../store/generated/client';
import type { Clock } from '../clock';

export interface QueuedNotice {
  rule: string;
  subjectId: string;
  occasion?: string;
}

export interface ClaimedNotice {
  id: string;
  subjectId: string;
  dedupeKey: string;
}

export const LEASE_MINUTES = 10;

export function dedupeKey(notice: QueuedNotice): string {
  return [notice.rule, notice.subjectId, notice.occasion].filter(Boolean).join(':');
}

export type NoticeOutbox = ReturnType<typeof createNoticeOutbox>;

export function createNoticeOutbox(deps: { prisma: PrismaClient; accountId: string; clock: Clock }) {
  const { prisma, accountId, clock } = deps;
  return {
    /** Queues notices inside the caller's transaction; a key already queued or sent is skipped. */
    async queue(tx: Prisma.TransactionClient, notices: QueuedNotice[]): Promise<void> {
      if (notices.length === 0) return;
      const now = clock.now();
      await tx.sentNotice.createMany({
        data: notices.map((n) => ({
          id: randomUUID(),
          accountId,
          dedupeKey: dedupeKey(n),
          rule: n.rule,
          subjectId: n.subjectId,
          status: 'queued' as const,
          claimedAt: now,
        })),
        skipDuplicates: true,
      });
    },

    /** Claims up to `limit` notices of a rule: queued ones, and claims whose lease ran out. */
    async claim(rule: string, limit: number): Promise<ClaimedNotice[]> {
      const now = clock.now();
      const leaseCutoff = new Date(now.getTime() - LEASE_MINUTES * 60_000);
      return prisma.$queryRaw<ClaimedNotice[]>`
        UPDATE "SentNotice" SET "status" = 'claimed', "claimedAt" = ${now}
        WHERE "id" IN (
          SELECT "id" FROM "SentNotice"
          WHERE "accountId" = ${accountId} AND "rule" = ${rule}
            AND ("status" = 'queued' OR ("status" = 'claimed' AND "claimedAt" < ${leaseCutoff}))
          ORDER BY "claimedAt", "id"
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED)
        RETURNING "id", "subjectId", "dedupeKey"`;
    },

    async markSent(ids: string[]): Promise<void> {
      if (ids.length === 0) return;
      await prisma.sentNotice.updateMany({
        where: { id: { in: ids }, status: 'claimed' },
        data: { status: 'sent', sentAt: clock.now() },
      });
    },

    /** A notice Slack refused for good (e.g. channel_not_found): kept, with the reason, never retried. */
    async markFailed(ids: string[], error: string): Promise<void> {
      if (ids.length === 0) return;
      await prisma.sentNotice.updateMany({
        where: { id: { in: ids }, status: 'claimed' },
        data: { status: 'failed', error: error.slice(0, 500) },
      });
    },
  };
}
