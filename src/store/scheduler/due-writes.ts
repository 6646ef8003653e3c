/**
 * The scheduler's set-based writes to invites, passcodes and users: each statement takes one batch of
 * due rows and locks them (`FOR UPDATE SKIP LOCKED`), so two passes or two replicas never take the same.
 */
import type { Db, Tx } from '../tx';

/**
 * Counts one more reminder on up to `batch` pending invites sent by `sentBefore`, not yet expired at
 * `now` and reminded fewer than `maxResends` times, and queues a reminder notice for each; returns how many.
 */
export async function remindDueInvites(
  db: Db,
  accountId: string,
  now: Date,
  due: { sentBefore: Date; maxResends: number; batch: number },
): Promise<number> {
  const rows = await db.$queryRaw<{ queued: number }[]>`
    WITH due AS (
      SELECT "id" FROM "Invite"
      WHERE "accountId" = ${accountId} AND "status" = 'pending' AND "resendCount" < ${due.maxResends}
        AND "lastSentAt" <= ${due.sentBefore} AND "expiresAt" > ${now}
      ORDER BY "id" LIMIT ${due.batch} FOR UPDATE SKIP LOCKED
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

/** An invite the scheduler expired. */
export interface ExpiredInvite {
  id: string;
  userId: string;
  invitedById: string | null;
}

/** Marks up to `batch` pending invites past their expiry at `now` as `expired`; returns them. */
export function expireDueInvites(tx: Tx, accountId: string, now: Date, batch: number): Promise<ExpiredInvite[]> {
  return tx.$queryRaw<ExpiredInvite[]>`
      WITH due AS (
        SELECT "id" FROM "Invite"
        WHERE "accountId" = ${accountId} AND "status" = 'pending' AND "expiresAt" <= ${now}
        ORDER BY "id" LIMIT ${batch} FOR UPDATE SKIP LOCKED
      )
      UPDATE "Invite" AS i SET "status" = 'expired' FROM due WHERE i."id" = due."id"
      RETURNING i."id", i."userId", i."invitedById"`;
}

/** Sets these users `expired` (their invite lapsed), counting a new version of each. */
export async function markUsersExpired(tx: Tx, ids: string[]): Promise<void> {
  await tx.user.updateMany({
    where: { id: { in: ids } },
    data: { status: 'expired', version: { increment: 1 } },
  });
}

/** A passcode the scheduler expired: its holder and when it expired. */
export interface ExpiredPasscode {
  userId: string;
  expiresAt: Date;
}

/** Marks up to `batch` active passcodes past their expiry at `now` as `expired`; returns them. */
export function expireDuePasscodes(tx: Tx, accountId: string, now: Date, batch: number): Promise<ExpiredPasscode[]> {
  return tx.$queryRaw<ExpiredPasscode[]>`
      UPDATE "Passcode" SET "status" = 'expired'
      WHERE "id" IN (
        SELECT "id" FROM "Passcode" WHERE "accountId" = ${accountId} AND "status" = 'active' AND "expiresAt" <= ${now}
        ORDER BY "id" LIMIT ${batch} FOR UPDATE SKIP LOCKED)
      RETURNING "userId", "expiresAt"`;
}
