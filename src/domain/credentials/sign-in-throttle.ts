/**
 * Per-account sign-in throttling: failed logins and passcode checks for one e-mail address count
 * wherever they come from; past a threshold the address is locked for a growing wait. Keyed by the
 * address as typed (known or not), so a lockout says nothing about which addresses exist.
 */
import type { PrismaClient } from '../../store/generated/client';
import type { Clock } from '../clock';

/** Failures (without a success between them) that lock an address. */
export const FAILURES_BEFORE_LOCKOUT = 5;
/** Failures older than this are forgotten. */
export const FAILURE_MEMORY_MINUTES = 15;
/** Lockouts grow 1, 2, 4, … minutes up to this cap. */
export const MAX_LOCKOUT_MINUTES = 60;
/** A day without failures starts the growing wait from 1 minute again. */
export const LOCKOUT_MEMORY_HOURS = 24;
const ADDRESSES_KEPT = 10;
const MINUTE = 60_000;

/** How long the `n`-th lockout of a streak lasts (n = 0, 1, …). */
export function lockoutMinutes(n: number): number {
  return Math.min(MAX_LOCKOUT_MINUTES, 2 ** Math.min(n, 10));
}

/** A lockout that has just begun (reported once: only the failure that started it gets one). */
export interface NewLockout {
  email: string;
  until: Date;
  minutes: number;
  failures: number;
  addresses: string[];
}

/** A current lockout, for the user card. */
export interface LockoutView {
  until: Date;
  addresses: string[];
}

export type SignInThrottle = ReturnType<typeof createSignInThrottle>;

export function createSignInThrottle(deps: { prisma: PrismaClient; accountId: string; clock: Clock }) {
  const { prisma, accountId, clock } = deps;
  const keyOf = (email: string) => `${accountId}:${email}`;

  return {
    /**
     * Check and count in one atomic statement: counts this attempt as a failure in advance unless the
     * address is locked or already has the threshold's worth of attempts counted. Returns 0 when the
     * attempt may go ahead, else the seconds to wait.
     */
    async reserve(email: string, clientAddress: string): Promise<number> {
      const now = clock.now();
      const forgetBefore = new Date(now.getTime() - FAILURE_MEMORY_MINUTES * MINUTE);
      const levelResetBefore = new Date(now.getTime() - LOCKOUT_MEMORY_HOURS * 60 * MINUTE);
      const rows = await prisma.$queryRaw<{ failures: number }[]>`
        INSERT INTO "SignInThrottle" AS t ("key", "accountId", "email", "failures", "lockouts", "lastFailureAt", "addresses")
        VALUES (${keyOf(email)}, ${accountId}, ${email}, 1, 0, ${now}, ARRAY[${clientAddress}])
        ON CONFLICT ("key") DO UPDATE SET
          "failures" = CASE WHEN t."lockedUntil" IS NOT NULL OR t."lastFailureAt" < ${forgetBefore} THEN 1 ELSE t."failures" + 1 END,
          "lockouts" = CASE WHEN t."lastFailureAt" < ${levelResetBefore} THEN 0 ELSE t."lockouts" END,
          "addresses" = CASE WHEN t."lockedUntil" IS NOT NULL OR t."lastFailureAt" < ${forgetBefore} THEN ARRAY[${clientAddress}]
            ELSE (array_append(array_remove(t."addresses", ${clientAddress}), ${clientAddress}))[greatest(1, cardinality(array_remove(t."addresses", ${clientAddress})) + 2 - ${ADDRESSES_KEPT}):] END,
          "lockedUntil" = NULL,
          "lastFailureAt" = ${now}
        WHERE (t."lockedUntil" IS NOT NULL AND t."lockedUntil" <= ${now})
          OR (t."lockedUntil" IS NULL AND (t."failures" < ${FAILURES_BEFORE_LOCKOUT} OR t."lastFailureAt" < ${forgetBefore}))
        RETURNING "failures"`;
      if (rows.length > 0) return 0;
      const row = await prisma.signInThrottle.findUnique({ where: { key: keyOf(email) } });
      if (row?.lockedUntil && row.lockedUntil > now)
        return Math.max(1, Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000));
      // The threshold's worth of attempts are still being checked; one of them will lock or clear it.
      return 1;
    },

    /**
     * The attempt succeeded: the address starts afresh, unless it is locked meanwhile (a passcode passes
     * during a lockout, and a failure at the same time may have locked it); only expiry or an admin lifts that.
     */
    async succeeded(email: string): Promise<void> {
      await prisma.signInThrottle.deleteMany({
        where: { key: keyOf(email), OR: [{ lockedUntil: null }, { lockedUntil: { lte: clock.now() } }] },
      });
    },

    /** The attempt failed (it was counted by `reserve`): locks the address once the threshold is reached. */
    async failed(email: string): Promise<NewLockout | null> {
      const now = clock.now();
      const ends = Array.from({ length: 8 }, (_, n) => new Date(now.getTime() + lockoutMinutes(n) * MINUTE));
      // Only one failure can move the row from unlocked to locked, so a lockout is reported once.
      const rows = await prisma.$queryRaw<{ lockedUntil: Date; lockouts: number; addresses: string[]; failures: number }[]>`
        UPDATE "SignInThrottle" SET
          "lockedUntil" = CASE LEAST("lockouts", 7) WHEN 0 THEN ${ends[0]}::timestamp(3) WHEN 1 THEN ${ends[1]}::timestamp(3) WHEN 2 THEN ${ends[2]}::timestamp(3)
            WHEN 3 THEN ${ends[3]}::timestamp(3) WHEN 4 THEN ${ends[4]}::timestamp(3) WHEN 5 THEN ${ends[5]}::timestamp(3) WHEN 6 THEN ${ends[6]}::timestamp(3) ELSE ${ends[7]}::timestamp(3) END,
          "lockouts" = "lockouts" + 1
        WHERE "key" = ${keyOf(email)} AND "lockedUntil" IS NULL AND "failures" >= ${FAILURES_BEFORE_LOCKOUT}
        RETURNING "lockedUntil", "lockouts", "addresses", "failures"`;
      const row = rows[0];
      if (!row) return null;
      return {
        email,
        until: new Date(row.lockedUntil),
        minutes: lockoutMinutes(row.lockouts - 1),
        failures: row.failures,
        addresses: row.addresses,
      };
    },

    /** The current lockout of an address, if any. */
    async current(email: string): Promise<LockoutView | null> {
      const row = await prisma.signInThrottle.findUnique({ where: { key: keyOf(email) } });
      if (!row?.lockedUntil || row.lockedUntil <= clock.now()) return null;
      return { until: row.lockedUntil, addresses: row.addresses };
    },

    /** Lifts a lockout and forgets the failures; false when there was none. */
    async clear(email: string): Promise<LockoutView | null> {
      const rows = await prisma.$queryRaw<{ lockedUntil: Date; addresses: string[] }[]>`
        DELETE FROM "SignInThrottle" WHERE "key" = ${keyOf(email)} AND "lockedUntil" > ${clock.now()}
        RETURNING "lockedUntil", "addresses"`;
      const row = rows[0];
      return row ? { until: new Date(row.lockedUntil), addresses: row.addresses } : null;
    },
  };
}
