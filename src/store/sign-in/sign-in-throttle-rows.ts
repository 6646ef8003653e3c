/**
 * The sign-in throttle's rows (SignInThrottle): one per account and address as typed, counting failed
 * attempts and holding the lockout they lead to. Each step is one atomic statement, so parallel
 * attempts on several replicas count exactly. The user card reads an address's lockout here too.
 */
import type { SignInThrottle } from '../records';
import type { Db } from '../tx';

/** The numbers the throttle counts with (src/domain/credentials/sign-in-throttle.ts). */
export interface ThrottleLimits {
  /** Failures (without a success between them) that lock an address. */
  failuresBeforeLockout: number;
  /** How many recent client addresses a row keeps. */
  addressesKept: number;
}

/** A lockout as the statement that started or lifted it returns it. */
export interface ThrottleLockoutRow {
  lockedUntil: Date;
  addresses: string[];
}

/**
 * Counts an attempt on `key` as a failure in advance, unless the address is locked or already has the
 * threshold's worth counted: failures older than `forgetBefore` are forgotten, lockout levels older
 * than `levelResetBefore` too. True when it was counted (the attempt may go ahead).
 */
export async function reserveThrottledAttempt(
  db: Db,
  attempt: { key: string; accountId: string; email: string; clientAddress: string; now: Date },
  window: { forgetBefore: Date; levelResetBefore: Date },
  limits: ThrottleLimits,
): Promise<boolean> {
  const { key, accountId, email, clientAddress, now } = attempt;
  const { forgetBefore, levelResetBefore } = window;
  const rows = await db.$queryRaw<{ failures: number }[]>`
        INSERT INTO "SignInThrottle" AS t ("key", "accountId", "email", "failures", "lockouts", "lastFailureAt", "addresses")
        VALUES (${key}, ${accountId}, ${email}, 1, 0, ${now}, ARRAY[${clientAddress}])
        ON CONFLICT ("key") DO UPDATE SET
          "failures" = CASE WHEN t."lockedUntil" IS NOT NULL OR t."lastFailureAt" < ${forgetBefore} THEN 1 ELSE t."failures" + 1 END,
          "lockouts" = CASE WHEN t."lastFailureAt" < ${levelResetBefore} THEN 0 ELSE t."lockouts" END,
          "addresses" = CASE WHEN t."lockedUntil" IS NOT NULL OR t."lastFailureAt" < ${forgetBefore} THEN ARRAY[${clientAddress}]
            ELSE (array_append(array_remove(t."addresses", ${clientAddress}), ${clientAddress}))[greatest(1, cardinality(array_remove(t."addresses", ${clientAddress})) + 2 - ${limits.addressesKept}):] END,
          "lockedUntil" = NULL,
          "lastFailureAt" = ${now}
        WHERE (t."lockedUntil" IS NOT NULL AND t."lockedUntil" <= ${now})
          OR (t."lockedUntil" IS NULL AND (t."failures" < ${limits.failuresBeforeLockout} OR t."lastFailureAt" < ${forgetBefore}))
        RETURNING "failures"`;
  return rows.length > 0;
}

/** The throttle row of `key`; null when the address has no failures counted. */
export function findThrottle(db: Db, key: string): Promise<SignInThrottle | null> {
  return db.signInThrottle.findUnique({ where: { key } });
}

/** Forgets the failures of `key`, unless it is locked past `now` (only expiry or an admin lifts that). */
export async function forgetThrottleUnlessLocked(db: Db, key: string, now: Date): Promise<void> {
  await db.signInThrottle.deleteMany({
    where: { key, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] },
  });
}

/**
 * Locks `key` once it has the threshold's worth of failures and is not locked yet, until `ends[n]` for
 * its `n`-th lockout (the last end for every later one), and counts the lockout. Only one failure can
 * move a row from unlocked to locked; null for every other.
 */
export async function lockThrottled(
  db: Db,
  key: string,
  ends: Date[],
  failuresBeforeLockout: number,
): Promise<(ThrottleLockoutRow & { lockouts: number; failures: number }) | null> {
  const rows = await db.$queryRaw<{ lockedUntil: Date; lockouts: number; addresses: string[]; failures: number }[]>`
        UPDATE "SignInThrottle" SET
          "lockedUntil" = CASE LEAST("lockouts", 7) WHEN 0 THEN ${ends[0]}::timestamp(3) WHEN 1 THEN ${ends[1]}::timestamp(3) WHEN 2 THEN ${ends[2]}::timestamp(3)
            WHEN 3 THEN ${ends[3]}::timestamp(3) WHEN 4 THEN ${ends[4]}::timestamp(3) WHEN 5 THEN ${ends[5]}::timestamp(3) WHEN 6 THEN ${ends[6]}::timestamp(3) ELSE ${ends[7]}::timestamp(3) END,
          "lockouts" = "lockouts" + 1
        WHERE "key" = ${key} AND "lockedUntil" IS NULL AND "failures" >= ${failuresBeforeLockout}
        RETURNING "lockedUntil", "lockouts", "addresses", "failures"`;
  return rows[0] ?? null;
}

/** Lifts the lockout of `key` that runs past `now` and forgets its failures; null when there was none. */
export async function clearThrottleLockout(db: Db, key: string, now: Date): Promise<ThrottleLockoutRow | null> {
  const rows = await db.$queryRaw<ThrottleLockoutRow[]>`
        DELETE FROM "SignInThrottle" WHERE "key" = ${key} AND "lockedUntil" > ${now}
        RETURNING "lockedUntil", "addresses"`;
  return rows[0] ?? null;
}

/** The throttle of `email` whose lockout runs past `now`; null when it is not locked out. */
export function findActiveSignInLock(db: Db, accountId: string, email: string, now: Date): Promise<SignInThrottle | null> {
  return db.signInThrottle.findFirst({ where: { accountId, email, lockedUntil: { gt: now } } });
}
