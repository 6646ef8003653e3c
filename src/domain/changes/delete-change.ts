/**
 * Deleting users for good: the owner is refused, every asset they own moves to the owner
 * (non-transferable ones flagged "needs reconfiguration"), their API keys move to the owner too (so
 * integrations keep running, now acting as the owner; the owner is told by DM and may revoke each),
 * their passcodes end with them, and the audit trail keeps their names.
 */
import { fail, RosterError } from '../../errors';
import { findAccountWithOwner } from '../../store/accounts/account-reads';
import { handOverAssets } from '../../store/assets/asset-rows';
import { type MovedApiKey, moveApiKeysToHeir } from '../../store/credentials/inherited-key-writes';
import type { Tx } from '../../store/tx';
import type { UserRecord } from '../../store/users/user-reads';
import { deleteUsersByIds } from '../../store/users/user-writes';
import { holderAccess } from '../credentials/verified-holder';
import type { DeletionResult } from '../deletion/deletion-service';
import { describeFilter } from '../directory/directory-service';
import type { ChangeContext, ChangeHandler } from './change-handler';
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
    // Before the users go (their keys would go with them): the keys keep their hashes and act as the owner,
    // never with more than their user could do.
    const keys = await moveApiKeysToHeir(tx, await withAccess(tx, users, context), account.ownerId, context.clock.now());
    await deleteUsersByIds(tx, userIds);
    const emails = users.map((u) => u.email);
    const owner = account.owner;
    const result: DeletionResult = {
      deleted: emails,
      transferable: assets.transferable,
      nonTransferable: assets.nonTransferable,
      ownerEmail: owner.email,
      skipped,
      ...(keys.length > 0 ? { apiKeys: keys.map(({ prefix, fromEmail }) => ({ prefix, fromEmail })), ownerTold: null } : {}),
    };
    const skippedNote = skippedText(skipped);
    const keysNote =
      keys.length > 0
        ? ` ${keys.length} API key(s) move to ${owner.email} and keep working in their name, with no more access than before.`
        : '';
    return {
      result,
      stored: { kind: 'delete', users: userIds.map((id) => ({ id })), reason: justification, filter: change.filter },
      summary: `Delete ${change.filter ? `${emails.length} user(s) matching ${describeFilter(change.filter)}: ` : ''}${listFirst(emails)}; ${assets.transferable} asset(s) move to ${account.owner.email}, ${assets.nonTransferable} non-transferable one(s) will need reconfiguring.${keysNote}`,
      outcome: `Deleted ${listFirst(emails)}; ${assets.transferable} asset(s) moved to ${account.owner.email}, ${assets.nonTransferable} flagged for reconfiguration.${keysNote}${skippedNote ? ` ${skippedNote}` : ''}`,
      touched: [],
      targets: userIds,
      gains: [],
      facts: { users: users.length },
      audit: [
        ...users.map((user) => ({
          action: 'user.deleted',
          target: { id: user.id, email: user.email, name: user.name },
          before: snapshot(user),
          after: { assetsMovedTo: owner.email, reason: justification },
        })),
        ...keys.map((key) => ({
          action: 'apikey.inherited',
          target: { id: owner.id, email: owner.email, name: owner.name },
          before: { prefix: key.prefix, holder: key.fromEmail },
          after: { prefix: key.prefix, holder: owner.email, inheritedFrom: key.fromEmail },
        })),
      ],
      // The owner learns by DM which keys they now hold, each with a Revoke button.
      deliver: keys.length === 0 ? undefined : (done) => tellOwner(context, owner, keys, done),
    };
  },
};

/** DMs the owner the keys they inherited; a Slack failure leaves the deletion done and says so. */
async function tellOwner(
  context: ChangeContext,
  owner: { email: string; slackUserId: string | null },
  keys: MovedApiKey[],
  done: DeletionResult,
): Promise<DeletionResult> {
  const notify = context.messenger.inheritedKeys?.bind(context.messenger);
  if (!notify) return { ...done, ownerTold: false };
  const told = await notify({ email: owner.email, slackUserId: owner.slackUserId }, keys).catch(() => false);
  return { ...done, ownerTold: told };
}

/** The first 20 addresses, then how many more (a filter may name hundreds). */
function listFirst(emails: string[]): string {
  return emails.length > 20 ? `${emails.slice(0, 20).join(', ')} …and ${emails.length - 20} more` : emails.join(', ');
}

/** The users with what their API keys could do now (a key that moves keeps no more than that). */
async function withAccess(tx: Tx, users: UserRecord[], context: ChangeContext) {
  const out = [];
  for (const user of users) out.push({ ...user, access: { ...(await holderAccess(tx, user, context.multipleRoles)) } });
  return out;
}
