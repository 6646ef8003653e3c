/**
 * An invite's writes, inside the change's transaction: the invitees (new, or brought back from
 * expired or revoked), their roles and groups, and one pending invite each.
 */

import { addMemberships } from '../../store/groups/group-writes';
import { createInvites, supersedePendingInvites } from '../../store/invites/invite-writes';
import { createInvitees, createRoleHoldings, deleteUserRoles, markUserInvited } from '../../store/users/user-writes';
import type { IssuedLink } from '../invites/invite-links';
import { scopeKey } from '../partners/partners';
import type { ChangeContext } from './change-handler';
import type { InviteBatch } from './invite-batch';
import { refusePermanentTimeBound } from './time-bound-only';

/** Creates the new invitees and returns the expired or revoked ones to `invited` with none of their old roles or links; then gives everyone their roles and groups. */
export async function writeInvitees(context: ChangeContext, batch: InviteBatch): Promise<void> {
  const { tx, accountId, actor } = context;
  const { now, perms, planned, idOf } = batch;
  for (const row of planned) {
    await refusePermanentTimeBound(
      context,
      null,
      row.grants.map((grant) => grant.role),
      'invite',
      row.email,
    );
  }
  const newUsers = batch.emails
    .filter((email) => !batch.reinvited.has(email))
    .map((email) => ({ id: idOf(email), accountId, email, invitedById: actor.userId, invitedAt: now, extraPermissions: perms }));
  if (newUsers.length > 0) await createInvitees(tx, newUsers);
  for (const user of batch.reinvited.values()) {
    await markUserInvited(tx, user.id, { invitedById: actor.userId, invitedAt: now, extraPermissions: perms });
    await deleteUserRoles(tx, user.id);
    await supersedePendingInvites(tx, user.id);
  }
  await createRoleHoldings(
    tx,
    planned.flatMap((row) =>
      row.grants.map((grant) => ({
        userId: idOf(row.email),
        roleId: grant.role.id,
        scope: grant.scope,
        scopeKey: scopeKey(grant.scope),
      })),
    ),
  );
  const memberships = planned.flatMap((row) => row.groups.map((group) => ({ userId: idOf(row.email), groupId: group.id })));
  if (memberships.length > 0) await addMemberships(tx, memberships);
}

/** Stores each invitee's pending invite: the link's hash and nonce, never the token. */
export async function writeInvites(context: ChangeContext, batch: InviteBatch): Promise<void> {
  const { tx, accountId, actor } = context;
  const { now, expiresAt, note } = batch;
  await createInvites(
    tx,
    batch.emails.map((email) => {
      const link = batch.issued.get(email) as IssuedLink;
      return {
        accountId,
        userId: batch.idOf(email),
        tokenHash: link.tokenHash,
        tokenNonce: link.nonce,
        note,
        invitedById: actor.userId,
        sentAt: now,
        lastSentAt: now,
        expiresAt,
      };
    }),
  );
}
