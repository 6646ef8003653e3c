/**
 * Deleting users for good: the owner is refused, every asset they own moves to the owner
 * (non-transferable ones flagged "needs reconfiguration"), and the audit trail keeps their names.
 */
import { fail, RosterError } from '../../errors';
import { findAccountWithOwner } from '../../store/accounts/account-reads';
import { handOverAssets } from '../../store/assets/asset-rows';
import type { UserRecord } from '../../store/users/user-reads';
import { deleteUsersByIds } from '../../store/users/user-writes';
import type { DeletionResult } from '../deletion/deletion-service';
import { describeFilter } from '../directory/directory-service';
import type { ChangeHandler } from './change-handler';
import { NONE_SKIPPED, skippedText, stillMatching } from './filter-targets';
import { findUser, snapshot } from './user-change';

/** Deletes the users and moves their assets, all or nothing. */
export const deleteUsers: ChangeHandler<'delete', DeletionResult> = {
  permissions: () => ['users:manage'],
  async apply(context, change) {
    const { tx, accountId, actor } = context;
    if (change.users.length === 0) throw fail.badInput('Say which users to delete.');
    if (!change.filter && change.users.length > 100) throw fail.badInput('Delete at most 100 named users at once.');
    const account = await findAccountWithOwner(tx, accountId);
    if (!account.ownerId || !account.owner) throw fail.invalidState('The account has no owner to receive the assets.');
    let users: UserRecord[];
    let skipped = NONE_SKIPPED;
    if (change.filter) {
      // On a filter: the users listed at review time that still match; never the owner or the admin acting.
      const ids = change.users.flatMap((ref) => ('id' in ref ? [ref.id] : []));
      const found = await stillMatching(context, ids, change.filter);
      users = found.users.filter((u) => u.id !== account.ownerId && u.id !== actor.userId);
      skipped = found.skipped;
      if (users.length === 0) {
        throw fail.invalidState(`Nobody listed still matches ${describeFilter(change.filter)}; nothing was deleted.`);
      }
    } else {
      const found = [];
      for (const ref of change.users) found.push(await findUser(context, ref));
      users = [...new Map(found.map((u) => [u.id, u])).values()];
    }
    const userIds = users.map((u) => u.id);
    const justification = change.reason?.trim() || null;
    if (userIds.includes(actor.userId ?? '') && !justification) {
      throw fail.badInput('You are deleting yourself: say why.', { field: 'reason' });
    }
    if (userIds.includes(account.ownerId)) {
      throw new RosterError(
        'owner_protected',
        `${account.owner.email} owns the account and cannot be deleted. Transfer ownership first with \`/users owner <email>\`.`,
      );
    }
    const assets = await handOverAssets(tx, userIds, account.ownerId);
    await deleteUsersByIds(tx, userIds);
    const emails = users.map((u) => u.email);
    const result = {
      deleted: emails,
      transferable: assets.transferable,
      nonTransferable: assets.nonTransferable,
      ownerEmail: account.owner.email,
      skipped,
    };
    const skippedNote = skippedText(skipped);
    return {
      result,
      stored: { kind: 'delete', users: userIds.map((id) => ({ id })), reason: justification, filter: change.filter },
      summary: `Delete ${change.filter ? `${emails.length} user(s) matching ${describeFilter(change.filter)}: ` : ''}${listFirst(emails)}; ${assets.transferable} asset(s) move to ${account.owner.email}, ${assets.nonTransferable} non-transferable one(s) will need reconfiguring.`,
      outcome: `Deleted ${listFirst(emails)}; ${assets.transferable} asset(s) moved to ${account.owner.email}, ${assets.nonTransferable} flagged for reconfiguration.${skippedNote ? ` ${skippedNote}` : ''}`,
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

/** The first 20 addresses, then how many more (a filter may name hundreds). */
function listFirst(emails: string[]): string {
  return emails.length > 20 ? `${emails.slice(0, 20).join(', ')} …and ${emails.length - 20} more` : emails.join(', ');
}
