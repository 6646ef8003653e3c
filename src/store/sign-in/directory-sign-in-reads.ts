/** Reading sign-in lockouts for the user card. */
import type { SignInThrottle } from '../records';
import type { Db } from '../tx';

/** The throttle of `email` whose lockout runs past `now`; null when it is not locked out. */
export function findActiveSignInLock(db: Db, accountId: string, email: string, now: Date): Promise<SignInThrottle | null> {
  return db.signInThrottle.findFirst({ where: { accountId, email, lockedUntil: { gt: now } } });
}
