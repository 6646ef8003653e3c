/**
 * Deleting users for good: the owner is refused, every asset they own moves to the owner
 * (non-transferable ones flagged "needs reconfiguration"), and the audit trail keeps their names.
 */
import { fail, RosterError } from '../../errors';
import type { DeletionResult } from '../deletion/deletion-service';
import type { ChangeHandler } from './change-handler';
import { findUser, snapshot } from './user-change';

/** Deletes the users and moves their assets, all or nothing. */
export const deleteUsers: ChangeHandler<'delete', DeletionResult> = {
  permissions: () => ['users:manage'],
  async apply(context, change) {
    const { tx, accountId, actor } = context;
    if (change.users.length === 0) throw fail.badInput('Say which users to delete.');
    const found = [];
    for (const ref of change.users) found.push(await findUser(context, ref));
    const users = [...new Map(found.map((u) => [u.id, u])).values()];
    const userIds = users.map((u) => u.id);
    const justification = change.reason?.trim() || null;
    if (userIds.includes(actor.userId ?? '') && !justification) {
      throw fail.badInput('You are deleting yourself: say why.', { field: 'reason' });
    }
    const account = await tx.account.findUniqueOrThrow({ where: { id: accountId }, include: { owner: true } });
    if (!account.ownerId || !account.owner) throw fail.invalidState('The account has no owner to receive the assets.');
    if (userIds.includes(account.ownerId)) {
      throw new RosterError(
        'owner_protected',
        `${account.owner.email} owns the account and cannot be deleted. Transfer ownership first with \`/users owner <email>\`.`,
      );
    }
    const moved = await tx.asset.updateMany({
      where: { ownerId: { in: userIds }, transferable: true },
      data: { ownerId: account.ownerId },
    });
    const flagged = await tx.asset.updateMany({
      where: { ownerId: { in: userIds }, transferable: false },
      data: { ownerId: account.ownerId, needsReconfiguration: true },
    });
    await tx.user.deleteMany({ where: { id: { in: userIds } } });
    const emails = users.map((u) => u.email);
    const result = {
      deleted: emails,
      transferable: moved.count,
      nonTransferable: flagged.count,
      ownerEmail: account.owner.email,
    };
    return {
      result,
      stored: { kind: 'delete', users: userIds.map((id) => ({ id })), reason: justification },
      summary: `Delete ${emails.join(', ')}; ${moved.count} asset(s) move to ${account.owner.email}, ${flagged.count} non-transferable one(s) will need reconfiguring.`,
      outcome: `Deleted ${emails.join(', ')}; ${moved.count} asset(s) moved to ${account.owner.email}, ${flagged.count} flagged for reconfiguration.`,
      touched: [],
      targets: userIds,
      gains: [],
      facts: { users: users.length },
      audit: users.map((user) => ({
        action: 'user.deleted',
        target: { id: user.id, email: user.email, name: user.name },
        before: snapshot(user),
        after: { assetsMovedTo: account.owner?.email ?? null, reason: justification },
      })),
    };
  },
};
