/**
 * Signing in with an e-mail address and a password or passcode, throttled per address: failures count
 * towards a lockout, which is audited and told to the holder, and which an admin can lift.
 */
import { fail } from '../../errors';
import type { Store } from '../../store/tx';
import { findUserByEmail } from '../../store/users/user-reads';
import { type Actor, requirePermission, systemActor } from '../access/actor';
import type { AuditService } from '../audit/audit-service';
import type { Clock } from '../clock';
import { normaliseEmail } from '../email';
import type { Delivery } from '../ports';
import { hashPassword, randomToken, verifyPassword } from '../secrets';
import type { HolderMessenger } from './credential-service';
import type { LockoutView, NewLockout, SignInThrottle } from './sign-in-throttle';
import { stampLogin } from './usage-stamps';
import type { SignInResult, VerifiedHolder } from './verified-holder';

// Unknown addresses are checked against this, so they take as long as a wrong password (one per process).
let dummy: Promise<string> | null = null;
const dummyHash = () => {
  dummy ??= hashPassword(randomToken());
  return dummy;
};

/** Builds password login, passcode-with-address verification and the lockout they share. */
export function createThrottledSignIn(deps: {
  prisma: Store;
  accountId: string;
  clock: Clock;
  audit: AuditService;
  throttle: SignInThrottle;
  messenger: HolderMessenger;
  /** Where the lockout notice goes by e-mail, beside the DM (a mailbox reaches someone not in Slack). */
  delivery: Pick<Delivery, 'notice'>;
  /** Where a lockout notice that could not be sent is reported (never with a secret). */
  onNoticeError: (error: unknown) => void;
  holder: (userId: string) => Promise<VerifiedHolder>;
  verifyCredential: (credential: { passcode: string }) => Promise<VerifiedHolder | null>;
}) {
  const { prisma, accountId, clock, audit, throttle, holder, verifyCredential } = deps;

  /** Audits a lockout and tells the holder by DM, once per lockout; never delays or fails the answer. */
  function reportLockout(lockout: NewLockout, kind: 'login' | 'passcode') {
    void (async () => {
      const user = await findUserByEmail(prisma, accountId, lockout.email);
      if (!user) return;
      await audit.record(prisma, systemActor('api'), {
        action: 'signin.locked',
        target: { id: user.id, email: user.email, name: user.name },
        after: {
          until: lockout.until.toISOString(),
          minutes: lockout.minutes,
          failures: lockout.failures,
          kind,
          addresses: lockout.addresses,
        },
        clientAddress: lockout.addresses.at(-1),
      });
      if (user.status !== 'active') return;
      await Promise.all([
        deps.messenger.send(
          user,
          `:lock: After ${lockout.failures} failed sign-in attempts (from ${lockout.addresses.join(', ')}), signing in to your account is paused for ${lockout.minutes} minute${lockout.minutes === 1 ? '' : 's'}. If that was not you, tell an admin.`,
        ),
        deps.delivery.notice?.({
          kind: 'lockout',
          email: user.email,
          name: user.name,
          failures: lockout.failures,
          addresses: lockout.addresses,
          until: lockout.until,
        }),
      ]);
    })().catch(deps.onNoticeError);
  }

  /**
   * Runs one password attempt for an address: refused while the address is locked (even the right
   * password: a password can be guessed), counted, and cleared by a success.
   */
  async function throttled(
    email: string,
    clientAddress: string,
    attempt: () => Promise<VerifiedHolder | null>,
  ): Promise<SignInResult> {
    const wait = await throttle.reserve(email, clientAddress);
    if (wait > 0) return { ok: false, locked: wait };
    let result: VerifiedHolder | null = null;
    try {
      result = await attempt();
    } finally {
      if (result) await throttle.succeeded(email);
      else {
        const lockout = await throttle.failed(email);
        if (lockout) reportLockout(lockout, 'login');
      }
    }
    return result ? { ok: true, holder: result } : { ok: false };
  }

  return {
    /**
     * Checks an e-mail and password, throttled per address; records the login. Every failure looks the
     * same: unknown, inactive and Google users are checked against a dummy hash so they take as long.
     */
    async login(email: string, password: string, clientAddress: string): Promise<SignInResult> {
      const address = normaliseEmail(email);
      return throttled(address, clientAddress, async () => {
        const user = await findUserByEmail(prisma, accountId, address);
        const usable = !!user && user.status === 'active' && user.signInMethod === 'password' && !!user.passwordHash;
        const matches = await verifyPassword(password, (usable && user?.passwordHash) || (await dummyHash()));
        if (!usable || !matches || !user) return null;
        await stampLogin(prisma, user.id, clock.now());
        return holder(user.id);
      });
    },

    /**
     * Verifies a passcode sent with its holder's e-mail: it must be that holder's, and failures count
     * against the address like failed logins. A passcode is checked first: it is too long to guess, so
     * the right one passes even while the address is locked (the lockout only refuses wrong ones) and does
     * not lift that lockout; outside one it clears the address's failures, as a login does.
     */
    async verifyPasscodeFor(email: string, passcode: string, clientAddress: string): Promise<SignInResult> {
      const address = normaliseEmail(email);
      const verified = await verifyCredential({ passcode });
      if (verified && verified.user.email === address) {
        await throttle.succeeded(address);
        return { ok: true, holder: verified };
      }
      const wait = await throttle.reserve(address, clientAddress);
      if (wait > 0) return { ok: false, locked: wait };
      const lockout = await throttle.failed(address);
      if (lockout) reportLockout(lockout, 'passcode');
      return { ok: false };
    },

    /** The current sign-in lockout of a user's address, if any (for the user card). */
    lockoutOf(email: string): Promise<LockoutView | null> {
      return throttle.current(email);
    },

    /** An admin lifts a user's sign-in lockout; audited. */
    async clearLockout(actor: Actor, email: string): Promise<{ email: string }> {
      requirePermission(actor, 'credentials:manage');
      const user = await findUserByEmail(prisma, accountId, normaliseEmail(email));
      if (!user) throw fail.notFound(`There is no user ${normaliseEmail(email)}.`, { field: 'email' });
      const cleared = await throttle.clear(user.email);
      if (!cleared) throw fail.invalidState(`Sign-in for ${user.email} is not locked.`);
      await audit.record(prisma, actor, {
        action: 'signin.unlocked',
        target: { id: user.id, email: user.email, name: user.name },
        before: { lockedUntil: cleared.until.toISOString(), addresses: cleared.addresses },
      });
      return { email: user.email };
    },
  };
}
