/**
 * What invitees, users and the managed product do without Slack: accept an invite, set a
 * password from a link, sign in, and have an API key or passcode verified.
 */

import { fail, RosterError } from '../../errors';
import type { PrismaClient } from '../../store/generated/client';
import type { Actor } from '../access/actor';
import { effectivePermissions } from '../access/effective-permissions';
import type { AuditService } from '../audit/audit-service';
import type { Clock } from '../clock';
import { normaliseEmail } from '../email';
import { ALL_PERMISSIONS } from '../roles/catalog';
import { ADMIN_PLANE_PERMISSIONS } from '../roles/permissions';
import { hashPassword, hashToken, sameSecret, verifyPassword } from '../secrets';

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 200;

/** What the managed product learns about a verified credential's holder. */
export interface VerifiedHolder {
  user: { id: string; email: string; name: string | null };
  roles: { key: string; scope: string | null }[];
  permissions: string[];
}

export type SignInService = ReturnType<typeof createSignInService>;

export function createSignInService(deps: { prisma: PrismaClient; accountId: string; clock: Clock; audit: AuditService }) {
  const { prisma, accountId, clock, audit } = deps;

  function self(user: { id: string; email: string; name: string | null }): Actor {
    return { userId: user.id, email: user.email, name: user.name, roleKeys: [], permissions: new Set(), source: 'web' };
  }

  function checkPassword(password: string): void {
    if (password.length < PASSWORD_MIN)
      throw fail.badInput(`Choose a password of at least ${PASSWORD_MIN} characters.`, { field: 'password' });
    if (password.length > PASSWORD_MAX)
      throw fail.badInput(`A password can have at most ${PASSWORD_MAX} characters.`, { field: 'password' });
  }

  /** The pending invite behind a link, or a refusal that says what happened. */
  async function findInvite(token: string) {
    const tokenHash = hashToken(token);
    const invite = await prisma.invite.findUnique({ where: { tokenHash }, include: { user: true } });
    if (!invite || invite.accountId !== accountId || !sameSecret(invite.tokenHash, tokenHash)) {
      throw fail.notFound('This invite link is not valid. Check that you copied all of it, or ask an admin for a new one.');
    }
    const reasons: Record<string, string> = {
      accepted: 'This invite has already been used. Sign in instead, or ask an admin if that was not you.',
      superseded: 'This invite link was replaced by a newer one. Use the latest link you received, or ask an admin.',
      revoked: 'This invite was withdrawn. Ask an admin if you still need access.',
      expired: 'This invite link has expired. Ask an admin to send you a new one.',
    };
    const reason = reasons[invite.status];
    if (reason) throw new RosterError('invalid_state', reason);
    if (invite.expiresAt <= clock.now()) throw new RosterError('invalid_state', reasons.expired as string);
    return invite;
  }

  async function findPasswordLink(token: string) {
    const tokenHash = hashToken(token);
    const link = await prisma.passwordLink.findUnique({ where: { tokenHash }, include: { user: true } });
    if (!link || link.accountId !== accountId || !sameSecret(link.tokenHash, tokenHash)) {
      throw fail.notFound('This password link is not valid. Ask an admin for a new one.');
    }
    if (link.usedAt)
      throw new RosterError('invalid_state', 'This password link has already been used. Ask an admin for a new one.');
    if (link.expiresAt <= clock.now())
      throw new RosterError('invalid_state', 'This password link has expired. Ask an admin for a new one.');
    if (link.user.status !== 'active') throw new RosterError('invalid_state', 'Your access is not active. Ask an admin.');
    if (link.user.signInMethod === 'google')
      throw new RosterError('invalid_state', 'You sign in with Google, so there is no password to set.');
    return link;
  }

  async function holder(userId: string): Promise<VerifiedHolder> {
    const user = await prisma.user.findUniqueOrThrow({ where: { id: userId }, include: { roles: { include: { role: true } } } });
    const granted = effectivePermissions(
      user.roles.map((r) => r.role),
      user.extraPermissions,
    );
    const permissions = granted.has(ALL_PERMISSIONS)
      ? [...new Set([...granted, ...ADMIN_PLANE_PERMISSIONS])].filter((p) => p !== ALL_PERMISSIONS)
      : [...granted];
    return {
      user: { id: user.id, email: user.email, name: user.name },
      roles: user.roles.map((r) => ({ key: r.role.key, scope: r.scope })).sort((a, b) => a.key.localeCompare(b.key)),
      permissions: permissions.sort(),
    };
  }

  return {
    /** Who a valid invite link is for (the page greets them). */
    async inspectInvite(token: string): Promise<{ email: string; name: string | null }> {
      const invite = await findInvite(token);
      return { email: invite.user.email, name: invite.user.name };
    },

    /** Accepts an invite once: the user becomes active with a password or Google sign-in. */
    async acceptInvite(token: string, input: { name: string; password?: string; google: boolean }): Promise<{ email: string }> {
      const invite = await findInvite(token);
      const name = input.name.trim();
      if (name.length === 0 || name.length > 100)
        throw fail.badInput('Give your name (up to 100 characters).', { field: 'name' });
      if (!input.google) checkPassword(input.password ?? '');
      const passwordHash = input.google ? null : await hashPassword(input.password as string);
      const now = clock.now();
      await prisma.$transaction(async (tx) => {
        const claimed = await tx.invite.updateMany({
          where: { id: invite.id, status: 'pending', expiresAt: { gt: now } },
          data: { status: 'accepted', acceptedAt: now },
        });
        if (claimed.count === 0) throw new RosterError('invalid_state', 'This invite has already been used. Sign in instead.');
        const activated = await tx.user.updateMany({
          where: { id: invite.userId, status: 'invited' },
          data: {
            status: 'active',
            name,
            signInMethod: input.google ? 'google' : 'password',
            passwordHash,
            acceptedAt: now,
            lastLoginAt: now,
            version: { increment: 1 },
          },
        });
        if (activated.count === 0) throw new RosterError('invalid_state', 'This invite is no longer valid. Ask an admin.');
        await audit.record(tx, self({ ...invite.user, name }), {
          action: 'invite.accepted',
          target: { id: invite.userId, email: invite.user.email, name },
          before: { status: 'invited' },
          after: { status: 'active', signIn: input.google ? 'google' : 'password' },
        });
      });
      return { email: invite.user.email };
    },

    /** Who a valid password link is for. */
    async inspectPasswordLink(token: string): Promise<{ email: string }> {
      return { email: (await findPasswordLink(token)).user.email };
    },

    /** Sets a new password from a single-use link. */
    async setPassword(token: string, password: string): Promise<{ email: string }> {
      const link = await findPasswordLink(token);
      checkPassword(password);
      const passwordHash = await hashPassword(password);
      const now = clock.now();
      await prisma.$transaction(async (tx) => {
        const used = await tx.passwordLink.updateMany({ where: { id: link.id, usedAt: null }, data: { usedAt: now } });
        if (used.count === 0)
          throw new RosterError('invalid_state', 'This password link has already been used. Ask an admin for a new one.');
        await tx.user.update({ where: { id: link.userId }, data: { passwordHash, version: { increment: 1 } } });
        await audit.record(tx, self(link.user), {
          action: 'password.set',
          target: { id: link.userId, email: link.user.email, name: link.user.name },
        });
      });
      return { email: link.user.email };
    },

    /** Checks an e-mail and password; records the login. Null for any failure (the caller says the same thing). */
    async login(email: string, password: string): Promise<VerifiedHolder | null> {
      const user = await prisma.user.findUnique({ where: { accountId_email: { accountId, email: normaliseEmail(email) } } });
      const ok =
        !!user &&
        user.status === 'active' &&
        user.signInMethod === 'password' &&
        !!user.passwordHash &&
        (await verifyPassword(password, user.passwordHash));
      if (!ok || !user) return null;
      await prisma.user.update({ where: { id: user.id }, data: { lastLoginAt: clock.now() } });
      return holder(user.id);
    },

    /** Verifies an API key or passcode: only an active holder's, unexpired; records its last use. */
    async verify(credential: { apiKey: string } | { passcode: string }): Promise<VerifiedHolder | null> {
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
    },
  };
}
