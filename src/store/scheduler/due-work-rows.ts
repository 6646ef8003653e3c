/**
 * The scheduler's set-based statements outside the directory: notices queued for invites and passcodes
 * due a warning, approval requests past their time to live, and pruning of what nobody needs any more.
 */
import type { Db, Tx } from '../tx';

/**
 * Waits until no other transaction holds the account's pending invites due by `dueAt` (locks them
 * until this statement's transaction ends; on the root client, only for the statement).
 */
export async function awaitDueInvitesUnlocked(db: Db, accountId: string, dueAt: Date): Promise<void> {
  await db.$queryRaw`
    SELECT count(*)::int AS "left" FROM (
      SELECT "id" FROM "Invite"
      WHERE "accountId" = ${accountId} AND "status" = 'pending' AND "expiresAt" <= ${dueAt}
      ORDER BY "id"
      FOR UPDATE) AS "inFlight"`;
}

/** Queues an `expiring-soon` notice, once ever, for each pending invite expiring after `now` and by `until`; returns how many. */
export function queueInviteExpiryWarnings(db: Db, accountId: string, now: Date, until: Date): Promise<number> {
  return db.$executeRaw`
    INSERT INTO "SentNotice" ("id", "accountId", "dedupeKey", "rule", "subjectId", "status", "claimedAt")
    SELECT gen_random_uuid()::text, ${accountId}, 'expiring-soon:' || "id", 'expiring-soon', "id", 'queued'::"NoticeStatus", ${now}
    FROM "Invite"
    WHERE "accountId" = ${accountId} AND "status" = 'pending' AND "expiresAt" > ${now} AND "expiresAt" <= ${until}
    ON CONFLICT ("accountId", "dedupeKey") DO NOTHING`;
}

/**
 * Queues a `passcode-warning` notice, once per passcode and expiry, for each active passcode expiring
 * after `now` and by `warnBefore`; returns how many.
 */
export function queuePasscodeExpiryWarnings(db: Db, accountId: string, now: Date, warnBefore: Date): Promise<number> {
  return db.$executeRaw`
    INSERT INTO "SentNotice" ("id", "accountId", "dedupeKey", "rule", "subjectId", "status", "claimedAt")
    SELECT gen_random_uuid()::text, ${accountId}, 'passcode-warning:' || "id" || ':' || floor(extract(epoch FROM "expiresAt"))::text, 'passcode-warning', "id", 'queued'::"NoticeStatus", ${now}
    FROM "Passcode"
    WHERE "accountId" = ${accountId} AND "status" = 'active' AND "expiresAt" > ${now} AND "expiresAt" <= ${warnBefore}
    ON CONFLICT ("accountId", "dedupeKey") DO NOTHING`;
}

/** Expires up to `batch` pending approval requests past their time to live at `now`; returns their ids. */
export function expireDueApprovals(tx: Tx, accountId: string, now: Date, batch: number): Promise<{ id: string }[]> {
  return tx.$queryRaw<{ id: string }[]>`
      UPDATE "ApprovalRequest" SET "status" = 'expired', "decidedAt" = ${now}, "outcome" = 'Expired without a decision.'
      WHERE "id" IN (
        SELECT "id" FROM "ApprovalRequest" WHERE "accountId" = ${accountId} AND "status" = 'pending' AND "expiresAt" <= ${now}
        ORDER BY "id" LIMIT ${batch} FOR UPDATE SKIP LOCKED)
      RETURNING "id"`;
}

/** Deletes rate-limit windows (every account's) that started before `before`; returns how many. */
export async function deleteRateLimitWindowsBefore(db: Db, before: Date): Promise<number> {
  const { count } = await db.rateLimitBucket.deleteMany({ where: { windowStart: { lt: before } } });
  return count;
}

/**
 * Deletes sign-in throttles (every account's) without a failure since `failedBefore` and with no
 * lockout running at `now`; returns how many.
 */
export async function deleteIdleSignInThrottles(db: Db, failedBefore: Date, now: Date): Promise<number> {
  const throttles = await db.signInThrottle.deleteMany({
    where: { lastFailureAt: { lt: failedBefore }, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] },
  });
  return throttles.count;
}

/** Erases the sealed secret of the account's reveal links expired by `now`; returns how many. */
export async function eraseExpiredRevealSecrets(db: Db, accountId: string, now: Date): Promise<number> {
  const erased = await db.secretReveal.updateMany({
    where: { accountId, expiresAt: { lte: now }, sealed: { not: null } },
    data: { sealed: null },
  });
  return erased.count;
}

/** Deletes the account's pending credentials created before `before` (deliveries that never finished); returns how many. */
export async function deleteStrandedPendingCredentials(db: Db, accountId: string, before: Date): Promise<number> {
  const stranded = await db.pendingCredential.deleteMany({
    where: { accountId, createdAt: { lt: before } },
  });
  return stranded.count;
}
