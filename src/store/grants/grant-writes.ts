/**
 * Writing time-bound grants, each conditional on the state it changes from, so that two clicks, two
 * approvers or two scheduler replicas make one effect: a grant made, extended, ended early, its end
 * recorded by the scheduler (a batch that locks what it takes), its holder warned, and a break-glass
 * use reviewed or raised again.
 */
import type { Prisma, TimedGrant } from '../generated/client';
import type { Db, Tx } from '../tx';

/** Records a new grant. */
export function createGrant(tx: Tx, data: Prisma.TimedGrantUncheckedCreateInput): Promise<TimedGrant> {
  return tx.timedGrant.create({ data });
}

/** Moves the end of a grant still in force at `now` to `endsAt`; false when it ended meanwhile. */
export async function extendGrant(
  tx: Tx,
  id: string,
  change: { now: Date; endsAt: Date; selfExtension: boolean },
): Promise<boolean> {
  const { count } = await tx.timedGrant.updateMany({
    where: { id, endedAt: null, endsAt: { gt: change.now } },
    data: {
      endsAt: change.endsAt,
      warnedAt: null,
      extensions: { increment: 1 },
      ...(change.selfExtension ? { selfExtensions: { increment: 1 } } : {}),
    },
  });
  return count === 1;
}

/**
 * Ends a grant early (End now, a review's Revoke, `-role` on a time-bound role): it stops counting at
 * `now`. False when it had already ended.
 */
export async function endGrantNow(tx: Tx, id: string, end: { now: Date; reason: string; by: string }): Promise<boolean> {
  const { count } = await tx.timedGrant.updateMany({
    where: { id, endedAt: null, endsAt: { gt: end.now } },
    data: { endsAt: end.now, endedAt: end.now, endReason: end.reason, endedBy: end.by },
  });
  return count === 1;
}

/** A grant whose end the scheduler recorded. */
export interface EndedGrant {
  id: string;
  userId: string;
  breakGlass: boolean;
}

/**
 * Records the end of up to `batch` grants of the account that ended by `now` and are not yet recorded,
 * skipping rows another pass holds: each is recorded once, whichever replica takes it.
 */
export function recordEndedGrants(tx: Tx, accountId: string, now: Date, batch: number): Promise<EndedGrant[]> {
  return tx.$queryRaw<EndedGrant[]>`
    UPDATE "TimedGrant" g SET "endedAt" = g."endsAt", "endReason" = 'expired', "endedBy" = 'roster'
    FROM (
      SELECT "id" FROM "TimedGrant"
      WHERE "accountId" = ${accountId} AND "endedAt" IS NULL AND "endsAt" <= ${now}
      ORDER BY "endsAt", "id"
      LIMIT ${batch}
      FOR UPDATE SKIP LOCKED
    ) due
    WHERE g."id" = due."id"
    RETURNING g."id", g."userId", g."breakGlass"`;
}

/**
 * Marks up to `batch` grants in force that end by `warnBefore` and whose holder was not warned of this
 * end; returns their ids (each warned once per end, whichever replica takes it).
 */
export async function markGrantsWarned(
  tx: Tx,
  accountId: string,
  window: { now: Date; warnBefore: Date },
  batch: number,
): Promise<{ id: string; userId: string }[]> {
  return tx.$queryRaw<{ id: string; userId: string }[]>`
    UPDATE "TimedGrant" g SET "warnedAt" = ${window.now}
    FROM (
      SELECT "id" FROM "TimedGrant"
      WHERE "accountId" = ${accountId} AND "endedAt" IS NULL AND "warnedAt" IS NULL
        AND "endsAt" > ${window.now} AND "endsAt" <= ${window.warnBefore}
      ORDER BY "endsAt", "id"
      LIMIT ${batch}
      FOR UPDATE SKIP LOCKED
    ) due
    WHERE g."id" = due."id"
    RETURNING g."id", g."userId"`;
}

/** Records an Admin's review of a break-glass use; false when it was already reviewed. */
export async function reviewBreakGlass(
  tx: Tx,
  id: string,
  review: { now: Date; by: string; outcome: 'acknowledged' | 'revoked' },
): Promise<boolean> {
  const { count } = await tx.timedGrant.updateMany({
    where: { id, breakGlass: true, reviewedAt: null },
    data: { reviewedAt: review.now, reviewedBy: review.by, reviewOutcome: review.outcome },
  });
  return count === 1;
}

/**
 * Marks up to `batch` unreviewed break-glass uses that started before `raisedBefore` and were last
 * raised before it (or never since they started) as raised at `now`; returns their ids.
 */
export function raiseUnreviewedBreakGlass(
  db: Db,
  accountId: string,
  window: { now: Date; raisedBefore: Date },
  batch: number,
): Promise<{ id: string }[]> {
  return db.$queryRaw<{ id: string }[]>`
    UPDATE "TimedGrant" g SET "raisedAt" = ${window.now}
    FROM (
      SELECT "id" FROM "TimedGrant"
      WHERE "accountId" = ${accountId} AND "breakGlass" AND "reviewedAt" IS NULL
        AND coalesce("raisedAt", "startsAt") <= ${window.raisedBefore}
      ORDER BY "startsAt", "id"
      LIMIT ${batch}
      FOR UPDATE SKIP LOCKED
    ) due
    WHERE g."id" = due."id"
    RETURNING g."id"`;
}

/**
 * Ends every grant of `userId` still in force at `now` (the user was disabled or revoked); returns those
 * ended, with their roles.
 */
export async function endGrantsOf(tx: Tx, userId: string, end: { now: Date; reason: string; by: string }) {
  const ended = await tx.timedGrant.findMany({
    where: { userId, endedAt: null, endsAt: { gt: end.now } },
    include: { role: true },
  });
  if (ended.length === 0) return [];
  await tx.timedGrant.updateMany({
    where: { id: { in: ended.map((g) => g.id) } },
    data: { endsAt: end.now, endedAt: end.now, endReason: end.reason, endedBy: end.by },
  });
  return ended;
}
