/**
 * The notice outbox (table SentNotice): a notice is queued once per de-duplication key (rule +
 * subject + occasion), claimed by one scheduler pass at a time with a lease, and marked sent.
 * A pass that dies after claiming leaves the lease to run out; the next pass sends it then.
 * Notices queued with a group key (one inviter's expired invites) are claimed a group at a time.
 */
import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient } from '../../store/generated/client';
import type { Clock } from '../clock';

export interface QueuedNotice {
  rule: string;
  subjectId: string;
  occasion?: string;
  /** Notices of a rule with the same group key are claimed together (see `claimGroup`). */
  groupKey?: string;
}

export interface ClaimedNotice {
  id: string;
  subjectId: string;
  dedupeKey: string;
}

/** Notices of one group claimed together, and how many more of the group are waiting. */
export interface ClaimedGroup {
  groupKey: string;
  notices: ClaimedNotice[];
  more: number;
}

export const LEASE_MINUTES = 10;

/** How often `claimGroup` looks for another group after losing one to a concurrent pass. */
const GROUP_ATTEMPTS = 5;

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
          groupKey: n.groupKey ?? null,
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

    /**
     * Claims up to `limit` notices of a rule from one group, the group waiting longest first. A group
     * has one claim at a time (taken under a lock on the group): while its notices are out under a
     * live lease, the rest of it waits, so its messages go out in order and each is as full as it can be.
     * Null when no group is free.
     */
    async claimGroup(rule: string, limit: number): Promise<ClaimedGroup | null> {
      for (let attempt = 0; attempt < GROUP_ATTEMPTS; attempt++) {
        const now = clock.now();
        const leaseCutoff = new Date(now.getTime() - LEASE_MINUTES * 60_000);
        const claimed = await prisma.$transaction(async (tx) => {
          const [next] = await tx.$queryRaw<{ groupKey: string }[]>`
            SELECT n."groupKey" FROM "SentNotice" AS n
            WHERE n."accountId" = ${accountId} AND n."rule" = ${rule} AND n."groupKey" IS NOT NULL
              AND (n."status" = 'queued' OR (n."status" = 'claimed' AND n."claimedAt" < ${leaseCutoff}))
              AND NOT EXISTS (
                SELECT 1 FROM "SentNotice" AS c
                WHERE c."accountId" = ${accountId} AND c."rule" = ${rule} AND c."groupKey" = n."groupKey"
                  AND c."status" = 'claimed' AND c."claimedAt" >= ${leaseCutoff})
            ORDER BY n."claimedAt", n."id"
            LIMIT 1`;
          if (!next) return null;
          const { groupKey } = next;
          // Two passes may pick the same group at once; the lock lets one claim, the other sees it claimed.
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`notice:${accountId}:${rule}:${groupKey}`}, 0))`;
          const busy = await tx.$queryRaw<unknown[]>`
            SELECT 1 FROM "SentNotice"
            WHERE "accountId" = ${accountId} AND "rule" = ${rule} AND "groupKey" = ${groupKey}
              AND "status" = 'claimed' AND "claimedAt" >= ${leaseCutoff}
            LIMIT 1`;
          if (busy.length > 0) return 'taken';
          const notices = await tx.$queryRaw<ClaimedNotice[]>`
            UPDATE "SentNotice" SET "status" = 'claimed', "claimedAt" = ${now}
            WHERE "id" IN (
              SELECT "id" FROM "SentNotice"
              WHERE "accountId" = ${accountId} AND "rule" = ${rule} AND "groupKey" = ${groupKey}
                AND ("status" = 'queued' OR ("status" = 'claimed' AND "claimedAt" < ${leaseCutoff}))
              ORDER BY "claimedAt", "id"
              LIMIT ${limit}
              FOR UPDATE SKIP LOCKED)
            RETURNING "id", "subjectId", "dedupeKey"`;
          if (notices.length === 0) return 'taken';
          const [left] = await tx.$queryRaw<{ more: number }[]>`
            SELECT count(*)::int AS "more" FROM "SentNotice"
            WHERE "accountId" = ${accountId} AND "rule" = ${rule} AND "groupKey" = ${groupKey}
              AND ("status" = 'queued' OR ("status" = 'claimed' AND "claimedAt" < ${leaseCutoff}))`;
          return { groupKey, notices, more: left?.more ?? 0 };
        });
        if (claimed !== 'taken') return claimed;
      }
      return null;
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
