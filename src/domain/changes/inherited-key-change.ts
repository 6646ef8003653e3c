/**
 * Ending an API key the owner inherited from a deleted user (delete-change.ts moves them): the user it
 * now acts as may end it, as may anyone who manages users.
 */
import { fail } from '../../errors';
import { findInheritedApiKey } from '../../store/credentials/credential-reads';
import { deleteInheritedApiKey } from '../../store/credentials/inherited-key-writes';
import { findUserById } from '../../store/users/user-reads';
import { requirePermission } from '../access/actor';
import type { ChangeHandler } from './change-handler';

/** What ending an inherited key reports: the key by its prefix and whom it came from. */
export interface InheritedKeyRevoked {
  prefix: string;
  fromEmail: string;
}

/** Ends one inherited key at once; its heir needs no permission for it, anyone else `users:manage`. */
export const inheritedKeyRevoke: ChangeHandler<'inherited-key-revoke', InheritedKeyRevoked> = {
  // Checked in `apply`: whether the heir is acting is known only once the key is read.
  permissions: () => [],
  async apply(context, change) {
    const { tx, accountId, actor } = context;
    const key = await findInheritedApiKey(tx, accountId, change.key);
    if (!key) throw fail.notFound('That inherited API key was already revoked; nothing changed.');
    if (key.heirId !== actor.userId || !actor.userId) requirePermission(actor, 'users:manage');
    const heir = await findUserById(tx, key.heirId);
    await deleteInheritedApiKey(tx, key.id);
    const name = `\`${key.prefix}…\` (inherited from ${key.inheritedFromEmail})`;
    return {
      result: { prefix: key.prefix, fromEmail: key.inheritedFromEmail },
      stored: change,
      summary: `Revoke the API key ${name}.`,
      outcome: `Revoked the API key ${name}; it no longer works.`,
      touched: [],
      targets: [],
      gains: [],
      facts: { users: 0 },
      audit: [
        {
          action: 'apikey.inherited-revoked',
          target: heir ? { id: heir.id, email: heir.email, name: heir.name } : undefined,
          before: { prefix: key.prefix, inheritedFrom: key.inheritedFromEmail },
        },
      ],
    };
  },
};
