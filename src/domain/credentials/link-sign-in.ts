/**
 * Accepting an invite and setting a password from a link: both are changes
 * (src/domain/changes/sign-in-changes.ts), so this reads the link to know who acts, checks and hashes
 * what they typed, and submits.
 */
import { accountNameOf } from '../../store/accounts/account-reads';
import type { Store } from '../../store/tx';
import { findHeldRoles, findUserNameAndEmail } from '../../store/users/sign-in-user-reads';
import type { ChangeService } from '../changes/change-service';
import type { ChangeOf } from '../changes/directory-change';
import { findInvite, findPasswordLink, inviteeName, linkHolder } from '../changes/sign-in-changes';
import type { Clock } from '../clock';
import { hashToken } from '../secrets';
import { chosenPasswordHash } from './password-policy';

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

/** Builds what the invite and password pages do with their link. */
export function createLinkSignIn(deps: {
  prisma: Store;
  accountId: string;
  clock: Clock;
  /** Accepting an invite and setting a password are changes the link's holder submits. */
  changes: Pick<ChangeService, 'submit'>;
}) {
  const { prisma, accountId, clock } = deps;

  function accountName(): Promise<string> {
    return accountNameOf(prisma, accountId);
  }

  return {
    /** What a valid invite link offers: to whom, into which account, from whom, with which roles, until when. */
    async inspectInvite(token: string): Promise<InviteDetails> {
      const invite = await findInvite(prisma, accountId, hashToken(token), clock.now());
      const [account, inviter, roles] = await Promise.all([
        accountName(),
        invite.invitedById ? findUserNameAndEmail(prisma, invite.invitedById) : null,
        findHeldRoles(prisma, invite.userId),
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
  };
}
