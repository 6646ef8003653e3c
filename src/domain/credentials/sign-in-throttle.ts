/**
 * Per-account sign-in throttling: failed logins and passcode checks for one e-mail address count
 * wherever they come from; past a threshold the address is locked for a growing wait. Keyed by the
 * address as typed (known or not), so a lockout says nothing about which addresses exist.
 */
import {
  clearThrottleLockout,
  findThrottle,
  forgetThrottleUnlessLocked,
  lockThrottled,
  reserveThrottledAttempt,
} from '../../store/sign-in/sign-in-throttle-rows';
import type { Store } from '../../store/tx';
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
const LIMITS = { failuresBeforeLockout: FAILURES_BEFORE_LOCKOUT, addressesKept: ADDRESSES_KEPT };

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

export function createSignInThrottle(deps: { prisma: Store; accountId: string; clock: Clock }) {
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
      const window = {
        forgetBefore: new Date(now.getTime() - FAILURE_MEMORY_MINUTES * MINUTE),
        levelResetBefore: new Date(now.getTime() - LOCKOUT_MEMORY_HOURS * 60 * MINUTE),
      };
      const attempt = { key: keyOf(email), accountId, email, clientAddress, now };
      if (await reserveThrottledAttempt(prisma, attempt, window, LIMITS)) return 0;
      const row = await findThrottle(prisma, keyOf(email));
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
      await forgetThrottleUnlessLocked(prisma, keyOf(email), clock.now());
    },

    /** The attempt failed (it was counted by `reserve`): locks the address once the threshold is reached. */
    async failed(email: string): Promise<NewLockout | null> {
      const now = clock.now();
      const ends = Array.from({ length: 8 }, (_, n) => new Date(now.getTime() + lockoutMinutes(n) * MINUTE));
      // Only one failure can move the row from unlocked to locked, so a lockout is reported once.
      const row = await lockThrottled(prisma, keyOf(email), ends, FAILURES_BEFORE_LOCKOUT);
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
      const row = await findThrottle(prisma, keyOf(email));
      if (!row?.lockedUntil || row.lockedUntil <= clock.now()) return null;
      return { until: row.lockedUntil, addresses: row.addresses };
    },

    /** Lifts a lockout and forgets the failures; false when there was none. */
    async clear(email: string): Promise<LockoutView | null> {
      const row = await clearThrottleLockout(prisma, keyOf(email), clock.now());
      return row ? { until: new Date(row.lockedUntil), addresses: row.addresses } : null;
    },
  };
}
