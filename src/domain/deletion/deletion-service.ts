/**
 * What deleting users would do, for the confirmation modal: the users, how many assets and API keys
 * move to the owner, how many passcodes end, and whether the admin deletes themselves. The deletion
 * is a change (src/domain/changes/delete-change.ts).
 */

import { fail, RosterError } from '../../errors';
import { findAccountWithOwner } from '../../store/accounts/account-reads';
import { countOwnedAssets } from '../../store/assets/asset-rows';
import { apiKeysHeldBy, countActivePasscodesOf, countApiKeysHeldBy } from '../../store/credentials/credential-reads';
import type { Store } from '../../store/tx';
import { type Actor, requirePermission } from '../access/actor';
import type { Skipped } from '../changes/filter-targets';
import type { DirectoryService, UserFilter, UserRef } from '../directory/directory-service';

export interface DeletionPreview {
  users: { id: string; email: string; name: string | null }[];
  /** Set when the users are everyone matching a filter (the owner and the admin asking left out). */
  filter?: UserFilter;
  transferable: number;
  nonTransferable: number;
  includesSelf: boolean;
  ownerEmail: string;
  /** The API keys that move to the owner (up to 20, by prefix, with whom each was issued to), and how many in all. */
  apiKeys: { prefix: string; email: string }[];
  apiKeyCount: number;
  /** Active passcodes that end with their holders: they are personal sign-in secrets and do not move. */
  passcodes: number;
}

export interface DeletionResult {
  deleted: string[];
  transferable: number;
  nonTransferable: number;
  ownerEmail: string;
  /** On a filter: listed users no longer matching when the deletion ran. */
  skipped: Skipped;
  /** Set when API keys moved to the owner: each by prefix, with whom it was issued to. */
  apiKeys?: { prefix: string; fromEmail: string }[];
  /** Set when API keys moved: whether the owner got the DM naming them (null until it is sent). */
  ownerTold?: boolean | null;
}

export type DeletionService = ReturnType<typeof createDeletionService>;

export function createDeletionService(deps: { prisma: Store; accountId: string; directory: DirectoryService }) {
  const { prisma, accountId, directory } = deps;

  async function resolve(actor: Actor, who: UserRef[]) {
    requirePermission(actor, 'users:manage');
    if (who.length === 0) throw fail.badInput('Say which users to delete.');
    if (who.length > 100) throw fail.badInput('Delete at most 100 users at once.');
    const users = [];
    for (const ref of who) users.push(await directory.findUser(ref));
    return [...new Map(users.map((u) => [u.id, u])).values()];
  }

  return {
    /**
     * What deleting everyone matching `filter` would do. The owner and the admin asking are never
     * included; the users listed here are the ones the deletion acts on (those still matching then).
     */
    async previewMatching(actor: Actor, filter: UserFilter): Promise<DeletionPreview> {
      const matched = await directory.matching(actor, 'users:manage', filter);
      const ownerId = await directory.ownerId(prisma);
      const users = matched.filter((u) => u.id !== ownerId && u.id !== actor.userId);
      if (users.length === 0) throw fail.notFound('Only you or the owner match that filter; nobody would be deleted.');
      return { ...(await summarise(actor, users)), filter };
    },

    /** What a deletion would do, for the confirmation modal; refuses what it would refuse. */
    async preview(actor: Actor, who: UserRef[]): Promise<DeletionPreview> {
      const users = await resolve(actor, who);
      return summarise(actor, users);
    },
  };

  /** The preview of deleting `users`: refuses the owner, counts the assets and API keys that move and the passcodes that end. */
  async function summarise(actor: Actor, users: { id: string; email: string; name: string | null }[]): Promise<DeletionPreview> {
    {
      const account = await findAccountWithOwner(prisma, accountId);
      const owner = users.find((u) => u.id === account.ownerId);
      if (owner)
        throw new RosterError(
          'owner_protected',
          `${owner.email} owns the account and cannot be deleted. Transfer ownership first with \`/users owner <email>\`.`,
        );
      const ids = users.map((u) => u.id);
      const [transferable, nonTransferable, apiKeys, apiKeyCount, passcodes] = await Promise.all([
        countOwnedAssets(prisma, ids, true),
        countOwnedAssets(prisma, ids, false),
        apiKeysHeldBy(prisma, ids, 20),
        countApiKeysHeldBy(prisma, ids),
        countActivePasscodesOf(prisma, ids),
      ]);
      return {
        users: users.map(({ id, email, name }) => ({ id, email, name })),
        transferable,
        nonTransferable,
        includesSelf: ids.includes(actor.userId ?? ''),
        ownerEmail: account.owner?.email ?? 'the owner',
        apiKeys,
        apiKeyCount,
        passcodes,
      };
    }
  }
}
