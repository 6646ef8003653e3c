/**
 * Forgot password: anyone may ask for a password link for an address. Only an active user who signs
 * in with a password gets one (the same single-use, time-limited link an admin can send); for any
 * other address nothing happens. The web page answers the same either way, before this runs. A request
 * never ends a live link, since anyone may ask for anyone's address: each adds one, up to a few.
 */
import type { Store } from '../../store/tx';
import { accountsOfActivePasswordUser } from '../../store/users/sign-in-user-reads';
import { findUserByEmail } from '../../store/users/user-reads';
import type { ChangeService } from '../changes/change-service';
import { linkHolder } from '../changes/sign-in-changes';
import type { DeliveryOutcome } from '../delivery/delivery';
import { normaliseEmail } from '../email';

export type PasswordReset = ReturnType<typeof createPasswordReset>;

export function createPasswordReset(deps: {
  prisma: Store;
  accountId: string;
  /** The request is a change (`password-reset`, src/domain/changes/sign-in-changes.ts). */
  changes: Pick<ChangeService, 'submit'>;
  ttlHours: number;
}) {
  const { prisma, accountId } = deps;
  return {
    /** How long a link lasts, for the page to say. */
    ttlHours: deps.ttlHours,

    /**
     * Sends a new password link to `email` when it belongs to an active password user, leaving their
     * live links working; returns what was delivered, or null when the address gets nothing (unknown,
     * not active, Google sign-in, or already `LIVE_PASSWORD_LINKS` live links in its mailbox).
     */
    async request(email: string, clientAddress: string): Promise<DeliveryOutcome | null> {
      const address = normaliseEmail(email);
      // Read first, outside the account lock: most addresses asked for get nothing, and need no change.
      const user = await findUserByEmail(prisma, accountId, address);
      if (user?.status !== 'active' || user.signInMethod !== 'password') return null;
      // Whoever asks acts as the address's holder: the link goes only to that address.
      const done = await deps.changes.submit(linkHolder(user), { kind: 'password-reset', email: address, clientAddress });
      return done.status === 'done' ? done.result : null;
    },
  };
}

/**
 * The forgot-password page for every account: an address may be a password user in several, and each
 * of those accounts sends its own link (naming itself); the page's answer is the same either way.
 */
export function passwordResetEverywhere(deps: {
  prisma: Store;
  /** What the page says a link lasts (accounts with their own catalog may differ). */
  ttlHours: number;
  /** An account's own forgot-password service, or null when it is not served. */
  resetIn: (accountId: string) => Promise<PasswordReset | null>;
}): PasswordReset {
  return {
    ttlHours: deps.ttlHours,
    async request(email, clientAddress) {
      const accounts = await accountsOfActivePasswordUser(deps.prisma, normaliseEmail(email));
      let outcome: DeliveryOutcome | null = null;
      for (const accountId of accounts) {
        outcome = (await (await deps.resetIn(accountId))?.request(email, clientAddress)) ?? outcome;
      }
      return outcome;
    },
  };
}
