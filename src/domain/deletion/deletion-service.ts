/**
 * What deleting users would do, for the confirmation modal: the users, how many assets move to the
 * owner, and whether the admin deletes themselves. The deletion is a change (src/domain/changes/delete-change.ts).
 */

import { fail, RosterError } from '../../errors';
import type { PrismaClient } from '../../store/generated/client';
import { type Actor, requirePermission } from '../access/actor';
import type { DirectoryService, UserRef } from '../directory/directory-service';

export interface DeletionPreview {
  users: { id: string; email: string; name: string | null }[];
  transferable: number;
  nonTransferable: number;
  includesSelf: boolean;
  ownerEmail: string;
}

export interface DeletionResult {
  deleted: string[];
  transferable: number;
  nonTransferable: number;
  ownerEmail: string;
}

export type DeletionService = ReturnType<typeof createDeletionService>;

export function createDeletionService(deps: { prisma: PrismaClient; accountId: string; directory: DirectoryService }) {
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
    /** What a deletion would do, for the confirmation modal; refuses what it would refuse. */
    async preview(actor: Actor, who: UserRef[]): Promise<DeletionPreview> {
      const users = await resolve(actor, who);
      const account = await prisma.account.findUniqueOrThrow({ where: { id: accountId }, include: { owner: true } });
      const owner = users.find((u) => u.id === account.ownerId);
      if (owner)
        throw new RosterError(
          'owner_protected',
          `${owner.email} owns the account and cannot be deleted. Transfer ownership first with \`/users owner <email>\`.`,
        );
      const ids = users.map((u) => u.id);
      const [transferable, nonTransferable] = await Promise.all([
        prisma.asset.count({ where: { ownerId: { in: ids }, transferable: true } }),
        prisma.asset.count({ where: { ownerId: { in: ids }, transferable: false } }),
      ]);
      return {
        users: users.map(({ id, email, name }) => ({ id, email, name })),
        transferable,
        nonTransferable,
        includesSelf: ids.includes(actor.userId ?? ''),
        ownerEmail: account.owner?.email ?? 'the owner',
      };
    },
  };
}
