/**
 * A fresh invite link for one user, the previous one stopping: for someone not yet accepted, or
 * brought back to `invited` from expired or revoked, with the checks an invite would make.
 */

import { fail } from '../../errors';
import { findLatestInvite } from '../../store/invites/invite-reads';
import { createInvite, supersedePendingInvites } from '../../store/invites/invite-writes';
import type { UserStatus } from '../../store/records';
import type { UserRecord } from '../../store/users/user-reads';
import { markUserInvited } from '../../store/users/user-writes';
import { can } from '../access/actor';
import { addHours } from '../clock';
import { defaultRole } from '../roles/resolve-access';
import type { ChangeContext, PowerGain } from './change-handler';
import { powerGain, roleLabels } from './user-change';

/** Statuses an invite link can be issued for: not accepted yet, lapsed, or revoked (SPEC §3 state table). */
export const INVITABLE_STATUSES: readonly UserStatus[] = ['invited', 'expired', 'revoked'];

/** Refuses a user who is active, disabled or otherwise past inviting. */
export function assertInvitable(user: UserRecord): void {
  if (!INVITABLE_STATUSES.includes(user.status)) {
    throw fail.invalidState(
      `${user.email} is ${user.status}; invites are only for people who have not accepted one yet, whose invite expired, or who were revoked.`,
    );
  }
}

/**
 * The checks an invite makes, for bringing an expired or revoked user back to `invited`: giving back
 * roles beyond the default one needs `roles:manage`, a revoked user needs a free seat again, and the
 * admin-plane power their roles carry counts as granted (an invitee holds none until they accept).
 */
async function reinviteChecks(context: ChangeContext, user: UserRecord): Promise<PowerGain[]> {
  if (user.status === 'invited') return [];
  const fallback = defaultRole(await context.roles());
  const grants = user.extraPermissions.length > 0 || user.roles.some((held) => held.roleId !== fallback?.id);
  if (grants && !can(context.actor, 'roles:manage')) {
    throw fail.forbidden(
      `Re-inviting ${user.email} gives back ${[...roleLabels(user), ...user.extraPermissions].join(', ')}, which needs the \`roles:manage\` permission. Ask an Admin who has it, or invite them again with the default role: \`/users invite ${user.email}\`.`,
    );
  }
  return powerGain(null, user, context.multipleRoles);
}

/** A fresh link for `user` (the previous one stops working), valid `INVITE_TTL_HOURS` from now. */
export async function issueNewLink(context: ChangeContext, user: UserRecord) {
  const { tx, accountId, actor, links } = context;
  assertInvitable(user);
  const gains = await reinviteChecks(context, user);
  const now = context.clock.now();
  const expiresAt = addHours(now, context.inviteTtlHours);
  const link = links.issue();
  const previous = await findLatestInvite(tx, user.id);
  await supersedePendingInvites(tx, user.id);
  await createInvite(tx, {
    accountId,
    userId: user.id,
    tokenHash: link.tokenHash,
    tokenNonce: link.nonce,
    note: previous?.note ?? null,
    invitedById: actor.userId,
    sentAt: now,
    lastSentAt: now,
    expiresAt,
  });
  const reinvited = user.status !== 'invited';
  if (reinvited) await markUserInvited(tx, user.id, { invitedById: actor.userId, invitedAt: now });
  return {
    url: links.url(link.token),
    expiresAt,
    note: previous?.note ?? null,
    touched: [user.id],
    targets: [user.id],
    gains,
    facts: { users: 1 },
    audit: [
      {
        action: reinvited ? 'user.reinvited' : 'invite.link-reissued',
        target: { id: user.id, email: user.email, name: user.name },
        before: { status: user.status },
        after: { status: 'invited', expiresAt: expiresAt.toISOString() },
      },
    ],
  };
}
