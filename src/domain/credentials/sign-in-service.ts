/**
 * What invitees, users and the managed product do without Slack: accept an invite, set a
 * password from a link, sign in, and have an API key or passcode verified. Accepting an invite and
 * setting a password are changes (src/domain/changes/sign-in-changes.ts): this service reads the link
 * to know who acts, checks and hashes what they typed, and submits.
 */

import { fail } from '../../errors';
import type { PrismaClient } from '../../store/generated/client';
import { type Actor, requirePermission, systemActor } from '../access/actor';
import { effectivePermissions } from '../access/effective-permissions';
import type { AuditService } from '../audit/audit-service';
import type { ChangeService } from '../changes/change-service';
import type { ChangeOf } from '../changes/directory-change';
import { findInvite, findPasswordLink, inviteeName, linkHolder } from '../changes/sign-in-changes';
import type { Clock } from '../clock';
import { normaliseEmail } from '../email';
import { ALL_PERMISSIONS } from '../roles/catalog';
import { ADMIN_PLANE_PERMISSIONS } from '../roles/permissions';
import { holdingsInForce, type MultipleRoles } from '../roles/precedence';
import { hashPassword, hashToken, randomToken, sameSecret, verifyPassword } from '../secrets';
import type { HolderMessenger } from './credential-service';
import { chosenPasswordHash } from './password-policy';
import type { LockoutView, NewLockout, SignInThrottle } from './sign-in-throttle';

/** The outcome of a sign-in attempt; `locked` carries the seconds to wait. */
export type SignInResult = { ok: true; holder: VerifiedHolder } | { ok: false; locked?: number };

/** What the managed product learns about a verified credential's holder. */
export interface VerifiedHolder {
  user: { id: string; email: string; name: string | null };
  /** The roles in force (catalog `multipleRoles`); `overriddenRoles` are held but outranked. */
  roles: { key: string; scope: string | null }[];
  overriddenRoles: { key: string; scope: string | null }[];
  permissions: string[];
  /** The user's custom properties (e.g. a region the product filters data by). */
  properties: Record<string, string>;
}

// Unknown addresses are checked against this, so they take as long as a wrong password (one per process).
let dummy: Promise<string> | null = null;
const dummyHash = () => {
  dummy ??= hashPassword(randomToken());
  return dummy;
};

/** What the invite page tells the invitee before they accept. */
export interface InviteDetails {
  email: string;
  name: string | null;
  accountName: string;
  /** The admin who sent the invite, when still in the directory. */
  invitedBy: { name: string | null; email: string } | null;
  roles: { name: string; description: string }[];
  note: string | null;
  expiresAt: Date;
  /** Whole hours left until the link expires (at least 0). */
  hoursLeft: number;
}

export type SignInService = ReturnType<typeof createSignInService>;

export function createSignInService(deps: {
  prisma: PrismaClient;
  accountId: string;
  clock: Clock;
  audit: AuditService;
  /** Accepting an invite and setting a password are changes the link's holder submits. */
  changes: Pick<ChangeService, 'submit'>;
  throttle: SignInThrottle;
  messenger: HolderMessenger;
  multipleRoles: MultipleRoles;
  /** Where a lockout notice that could not be sent is reported (never with a secret). */
  onNoticeError: (error: unknown) => void;
}) {
  const { prisma, accountId, clock, audit, throttle } = deps;

  /** Audits a lockout and tells the holder by DM, once per lockout; never delays or fails the answer. */
  function reportLockout(lockout: NewLockout, kind: 'login' | 'passcode') {
    void (async () => {
      const user = await prisma.user.findUnique({ where: { accountId_email: { accountId, email: lockout.email } } });
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
      await deps.messenger.send(
        user,
        `:lock: After ${lockout.failures} failed sign-in attempts (from ${lockout.addresses.join(', ')}), signing in to your account is paused for ${lockout.minutes} minute${lockout.minutes === 1 ? '' : 's'}. If that was not you, tell an admin.`,
      );
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

  async function accountName(): Promise<string> {
    return (await prisma.account.findUniqueOrThrow({ where: { id: accountId }, select: { name: true } })).name;
  }

  async function holder(userId: string): Promise<VerifiedHolder> {
    const user = await prisma.user.findUniqueOrThrow({
      where: { id: userId },
      include: { roles: { include: { role: true } }, properties: { orderBy: { key: 'asc' } } },
    });
    const granted = effectivePermissions(
      user.roles.map((r) => r.role),
      user.extraPermissions,
      deps.multipleRoles,
    );
    const roles = holdingsInForce(user.roles, deps.multipleRoles);
    const label = (held: typeof user.roles) =>
      held.map((r) => ({ key: r.role.key, scope: r.scope })).sort((a, b) => a.key.localeCompare(b.key));
    const permissions = granted.has(ALL_PERMISSIONS)
      ? [...new Set([...granted, ...ADMIN_PLANE_PERMISSIONS])].filter((p) => p !== ALL_PERMISSIONS)
      : [...granted];
    return {
      user: { id: user.id, email: user.email, name: user.name },
      roles: label(roles.effective),
      overriddenRoles: label(roles.overridden),
      permissions: permissions.sort(),
      properties: Object.fromEntries(user.properties.map((p) => [p.key, p.value])),
    };
  }

  /** Verifies an API key or passcode: only an active holder's, unexpired; records its last use. */
  async function verifyCredential(credential: { apiKey: string } | { passcode: string }): Promise<VerifiedHolder | null> {
    const now = clock.now();
    if ('apiKey' in credential) {
      const keyHash = hashToken(credential.apiKey);
      const key = await prisma.apiKey.findUnique({ where: { keyHash }, include: { user: { select: { status: true } } } });
      if (!key || key.accountId !== accountId || !sameSecret(key.keyHash, keyHash) || key.user.status !== 'active') return null;
      await prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: now } });
      return holder(key.userId);
    }
    const codeHash = hashToken(credential.passcode);
    const code = await prisma.passcode.findUnique({ where: { codeHash }, include: { user: { select: { status: true } } } });
    if (!code || code.accountId !== accountId || !sameSecret(code.codeHash, codeHash)) return null;
    if (code.status !== 'active' || code.expiresAt <= now || code.user.status !== 'active') return null;
    await prisma.passcode.update({ where: { id: code.id }, data: { lastUsedAt: now } });
    return holder(code.userId);
  }

  return {
    /** The account whose directory this service signs in to. */
    accountId,

    /** What a valid invite link offers: to whom, into which account, from whom, with which roles, until when. */
    async inspectInvite(token: string): Promise<InviteDetails> {
      const invite = await findInvite(prisma, accountId, hashToken(token), clock.now());
      const [account, inviter, roles] = await Promise.all([
        accountName(),
        invite.invitedById
          ? prisma.user.findUnique({ where: { id: invite.invitedById }, select: { name: true, email: true } })
          : null,
        prisma.userRole.findMany({ where: { userId: invite.userId }, include: { role: true } }),
      ]);
      return {
        email: invite.user.email,
        name: invite.user.name,
        accountName: account,
        invitedBy: inviter,
        roles: roles
          .sort((a, b) => b.role.precedence - a.role.precedence)
          .map(({ role, scope }) => ({ name: scope ? `${role.name} (${scope})` : role.name, description: role.description })),
        note: invite.note,
        expiresAt: invite.expiresAt,
        hoursLeft: Math.max(0, Math.floor((invite.expiresAt.getTime() - clock.now().getTime()) / 3_600_000)),
      };
    },

    /** Accepts an invite once: the user becomes active with a password or Google sign-in. */
    async acceptInvite(
      token: string,
      input: { name: string; password?: string; google: boolean },
      clientAddress?: string,
    ): Promise<{ email: string }> {
      const tokenHash = hashToken(token);
      // Read first: a link that cannot be used is refused before what was typed, and it names who acts.
      const invite = await findInvite(prisma, accountId, tokenHash, clock.now());
      const name = inviteeName(input.name);
      const signIn: ChangeOf<'accept-invite'>['signIn'] = input.google
        ? { method: 'google' }
        : { method: 'password', passwordHash: await chosenPasswordHash(input.password ?? '') };
      const holder = linkHolder({ ...invite.user, name });
      await deps.changes.submit(holder, { kind: 'accept-invite', invite: tokenHash, name, signIn, clientAddress });
      return { email: invite.user.email };
    },

    /** Who a valid password link is for, and in which account. */
    async inspectPasswordLink(token: string): Promise<{ email: string; accountName: string }> {
      const link = await findPasswordLink(prisma, accountId, hashToken(token), clock.now());
      return { email: link.user.email, accountName: await accountName() };
    },

    /** Sets a new password from a single-use link; the user's other unused links stop working. */
    async setPassword(token: string, password: string, clientAddress?: string): Promise<{ email: string }> {
      const tokenHash = hashToken(token);
      const link = await findPasswordLink(prisma, accountId, tokenHash, clock.now());
      const passwordHash = await chosenPasswordHash(password);
      await deps.changes.submit(linkHolder(link.user), { kind: 'set-password', link: tokenHash, passwordHash, clientAddress });
      return { email: link.user.email };
    },

    /**
     * Checks an e-mail and password, throttled per address; records the login. Every failure looks the
     * same: unknown, inactive and Google users are checked against a dummy hash so they take as long.
     */
    async login(email: string, password: string, clientAddress: string): Promise<SignInResult> {
      const address = normaliseEmail(email);
      return throttled(address, clientAddress, async () => {
        const user = await prisma.user.findUnique({ where: { accountId_email: { accountId, email: address } } });
        const usable = !!user && user.status === 'active' && user.signInMethod === 'password' && !!user.passwordHash;
        const matches = await verifyPassword(password, (usable && user?.passwordHash) || (await dummyHash()));
        if (!usable || !matches || !user) return null;
        await prisma.user.update({ where: { id: user.id }, data: { lastLoginAt: clock.now() } });
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

    /** Verifies an API key or passcode: only an active holder's, unexpired; records its last use. */
    verify: verifyCredential,

    /** The current sign-in lockout of a user's address, if any (for the user card). */
    lockoutOf(email: string): Promise<LockoutView | null> {
      return throttle.current(email);
    },

    /** An admin lifts a user's sign-in lockout; audited. */
    async clearLockout(actor: Actor, email: string): Promise<{ email: string }> {
      requirePermission(actor, 'credentials:manage');
      const user = await prisma.user.findUnique({ where: { accountId_email: { accountId, email: normaliseEmail(email) } } });
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
