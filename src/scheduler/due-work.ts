/**
 * The scheduler's state changes, each a set-based statement in batches that locks what it takes
 * (`FOR UPDATE SKIP LOCKED`) and queues its notices in the same transaction, so that two passes
 * — or two replicas — never do the same work and a crash between batches loses nothing.
 */
import { systemActor } from '../domain/access/actor';
import type { AuditService } from '../domain/audit/audit-service';
import type { Clock } from '../domain/clock';
import { addHours, DAY_MS } from '../domain/clock';
import type { NoticeOutbox } from '../domain/notices/notice-outbox';
import type { Policy } from '../domain/roles/catalog';
import type { PrismaClient } from '../store/generated/client';

export const BATCH = 500;

const SCHEDULER = systemActor('scheduler');

export interface DueWorkDeps {
  /** Rows changed per statement (default 500): bounds memory and lock time. */
  batchSize?: number;
  prisma: PrismaClient;
  audit: AuditService;
  accountId: string;
  clock: Clock;
  outbox: NoticeOutbox;
  policy: Policy;
  /** Where channel digests go; without one the SCIM digest is not queued. */
  noticesChannel?: string;
}

/** Invites sent `remindAfterHours` ago and reminded fewer than `maxResends` times: one batch. */
export async function queueReminders(deps: DueWorkDeps): Promise<number> {
  const { prisma, accountId, clock, policy } = deps;
  const now = clock.now();
  const sentBefore = addHours(now, -policy.invites.remindAfterHours);
  const rows = await prisma.$queryRaw<{ queued: number }[]>`
    WITH due AS (
      SELECT "id" FROM "Invite"
      WHERE "accountId" = ${accountId} AND "status" = 'pending' AND "resendCount" < ${policy.invites.maxResends}
        AND "lastSentAt" <= ${sentBefore} AND "expiresAt" > ${now}
      ORDER BY "id" LIMIT ${deps.batchSize ?? BATCH} FOR UPDATE SKIP LOCKED
    ), bumped AS (
      UPDATE "Invite" AS i SET "resendCount" = i."resendCount" + 1, "lastSentAt" = ${now}
      FROM due WHERE i."id" = due."id"
      RETURNING i."id", i."resendCount"
    ), queued AS (
      INSERT INTO "SentNotice" ("id", "accountId", "dedupeKey", "rule", "subjectId", "status", "claimedAt")
      SELECT gen_random_uuid()::text, ${accountId}, 'reminder:' || "id" || ':' || "resendCount", 'reminder', "id", 'queued'::"NoticeStatus", ${now}
      FROM bumped
      ON CONFLICT ("accountId", "dedupeKey") DO NOTHING
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM bumped)::int AS "queued"`;
  return rows[0]?.queued ?? 0;
}

/** Invites past their expiry: invite and user become `expired`, audited; DM and digest queued. One batch. */
export async function expireInvites(deps: DueWorkDeps): Promise<number> {
  const { prisma, accountId, clock, outbox } = deps;
  const now = clock.now();
  return prisma.$transaction(async (tx) => {
    const expired = await tx.$queryRaw<{ id: string; userId: string; invitedById: string | null }[]>`
      WITH due AS (
        SELECT "id" FROM "Invite"
        WHERE "accountId" = ${accountId} AND "status" = 'pending' AND "expiresAt" <= ${now}
        ORDER BY "id" LIMIT ${deps.batchSize ?? BATCH} FOR UPDATE SKIP LOCKED
      )
      UPDATE "Invite" AS i SET "status" = 'expired' FROM due WHERE i."id" = due."id"
      RETURNING i."id", i."userId", i."invitedById"`;
    if (expired.length === 0) return 0;
    const userIds = expired.map((e) => e.userId);
    const users = await tx.user.findMany({
      where: { id: { in: userIds }, status: 'invited', invites: { none: { status: 'pending' } } },
      select: { id: true, email: true, name: true },
    });
    await tx.user.updateMany({
      where: { id: { in: users.map((u) => u.id) } },
      data: { status: 'expired', version: { increment: 1 } },
    });
    await deps.audit.record(
      tx,
      SCHEDULER,
      ...users.map((user) => ({
        action: 'invite.expired',
        target: user,
        before: { status: 'invited' },
        after: { status: 'expired' },
      })),
    );
    await outbox.queue(tx, [
      ...expired.map((e) => ({ rule: 'expiry-digest', subjectId: e.id })),
      // One notice per invite, grouped by inviter: the inviter gets one DM listing them (send-notices.ts).
      ...expired.flatMap((e) => (e.invitedById ? [{ rule: 'expiry-dm', subjectId: e.id, groupKey: e.invitedById }] : [])),
    ]);
    return expired.length;
  });
}

/**
 * Waits until no other pass is still expiring invites that were due at `dueAt` (their rows are locked
 * until that pass commits), so that the inviter DMs sent next list all of them, not some now and the
 * rest in another DM.
 */
export async function awaitExpiriesInFlight(deps: DueWorkDeps, dueAt: Date): Promise<void> {
  const { prisma, accountId } = deps;
  await prisma.$queryRaw`
    SELECT count(*)::int AS "left" FROM (
      SELECT "id" FROM "Invite"
      WHERE "accountId" = ${accountId} AND "status" = 'pending' AND "expiresAt" <= ${dueAt}
      ORDER BY "id"
      FOR UPDATE) AS "inFlight"`;
}

/** Invites expiring within `warnHours` are queued for the warning digest, each once ever. */
export async function queueExpiringSoon(deps: DueWorkDeps): Promise<number> {
  const { prisma, accountId, clock, policy } = deps;
  const now = clock.now();
  return prisma.$executeRaw`
    INSERT INTO "SentNotice" ("id", "accountId", "dedupeKey", "rule", "subjectId", "status", "claimedAt")
    SELECT gen_random_uuid()::text, ${accountId}, 'expiring-soon:' || "id", 'expiring-soon', "id", 'queued'::"NoticeStatus", ${now}
    FROM "Invite"
    WHERE "accountId" = ${accountId} AND "status" = 'pending' AND "expiresAt" > ${now} AND "expiresAt" <= ${addHours(now, policy.invites.warnHours)}
    ON CONFLICT ("accountId", "dedupeKey") DO NOTHING`;
}

/** Passcodes expiring within `passcodeWarnDays` get a warning DM queued, once per passcode and expiry. */
export async function queuePasscodeWarnings(deps: DueWorkDeps): Promise<number> {
  const { prisma, accountId, clock, policy } = deps;
  const now = clock.now();
  const warnBefore = new Date(now.getTime() + policy.passcodeWarnDays * DAY_MS);
  return prisma.$executeRaw`
    INSERT INTO "SentNotice" ("id", "accountId", "dedupeKey", "rule", "subjectId", "status", "claimedAt")
    SELECT gen_random_uuid()::text, ${accountId}, 'passcode-warning:' || "id" || ':' || floor(extract(epoch FROM "expiresAt"))::text, 'passcode-warning', "id", 'queued'::"NoticeStatus", ${now}
    FROM "Passcode"
    WHERE "accountId" = ${accountId} AND "status" = 'active' AND "expiresAt" > ${now} AND "expiresAt" <= ${warnBefore}
    ON CONFLICT ("accountId", "dedupeKey") DO NOTHING`;
}

/** Passcodes past their expiry are marked expired and audited. One batch. */
export async function expirePasscodes(deps: DueWorkDeps): Promise<number> {
  const { prisma, accountId, clock } = deps;
  const now = clock.now();
  return prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ userId: string; expiresAt: Date }[]>`
      UPDATE "Passcode" SET "status" = 'expired'
      WHERE "id" IN (
        SELECT "id" FROM "Passcode" WHERE "accountId" = ${accountId} AND "status" = 'active' AND "expiresAt" <= ${now}
        ORDER BY "id" LIMIT ${deps.batchSize ?? BATCH} FOR UPDATE SKIP LOCKED)
      RETURNING "userId", "expiresAt"`;
    const holders = await tx.user.findMany({
      where: { id: { in: rows.map((r) => r.userId) } },
      select: { id: true, email: true, name: true },
    });
    await deps.audit.record(
      tx,
      SCHEDULER,
      ...holders.map((user) => ({
        action: 'passcode.expired',
        target: user,
        before: { passcode: 'active' },
        after: { passcode: 'expired' },
      })),
    );
    return rows.length;
  });
}

/** Approval requests past their TTL: expired, and their channel message queued for an update. */
export async function expireApprovals(deps: DueWorkDeps): Promise<number> {
  const { prisma, accountId, clock, outbox } = deps;
  const now = clock.now();
  return prisma.$transaction(async (tx) => {
    const expired = await tx.$queryRaw<{ id: string }[]>`
      UPDATE "ApprovalRequest" SET "status" = 'expired', "decidedAt" = ${now}, "outcome" = 'Expired without a decision.'
      WHERE "id" IN (
        SELECT "id" FROM "ApprovalRequest" WHERE "accountId" = ${accountId} AND "status" = 'pending' AND "expiresAt" <= ${now}
        ORDER BY "id" LIMIT ${deps.batchSize ?? BATCH} FOR UPDATE SKIP LOCKED)
      RETURNING "id"`;
    await outbox.queue(
      tx,
      expired.map((e) => ({ rule: 'approval-expired', subjectId: e.id })),
    );
    return expired.length;
  });
}

/**
 * Rate-limit windows older than an hour are of no use to anyone; the table would otherwise only grow.
 * Sign-in throttles without a failure for a day and no lockout running are forgotten too.
 */
export async function pruneRateLimits(deps: Pick<DueWorkDeps, 'prisma' | 'clock'>): Promise<number> {
  const now = deps.clock.now();
  const { count } = await deps.prisma.rateLimitBucket.deleteMany({ where: { windowStart: { lt: addHours(now, -1) } } });
  const throttles = await deps.prisma.signInThrottle.deleteMany({
    where: { lastFailureAt: { lt: addHours(now, -24) }, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] },
  });
  return count + throttles.count;
}

/**
 * Reveal links past their expiry lose their sealed secret (nobody can be shown it any more), and a
 * pending credential older than an hour is one whose delivery never finished (the process stopped):
 * its holder's current credential stays, as after a failed delivery.
 */
export async function pruneCredentialHandoffs(deps: DueWorkDeps): Promise<number> {
  const now = deps.clock.now();
  const erased = await deps.prisma.secretReveal.updateMany({
    where: { accountId: deps.accountId, expiresAt: { lte: now }, sealed: { not: null } },
    data: { sealed: null },
  });
  const stranded = await deps.prisma.pendingCredential.deleteMany({
    where: { accountId: deps.accountId, createdAt: { lt: addHours(now, -1) } },
  });
  return erased.count + stranded.count;
}
