/**
 * Deleting users for good. In one transaction: the owner is refused, every asset they own moves
 * to the owner (non-transferable ones flagged "needs reconfiguration"), the audit trail keeps
 * their names as text, the users are removed, and an active Admin must remain — or nothing happens.
 */

import { fail, RosterError } from '../../errors';
import type { PrismaClient } from '../../store/generated/client';
import { lockAccount } from '../../store/tx';
import { type Actor, requirePermission } from '../access/actor';
import type { AuditService } from '../audit/audit-service';
import type { DirectoryService, UserRef } from '../directory/directory-service';
import { userInclude } from '../directory/user-view';
import { assertActiveAdminRemains } from '../users/directory-rules';
import { type ChangeOptions, inTransaction, snapshot } from '../users/user-change';

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

export function createDeletionService(deps: {
  prisma: PrismaClient;
  accountId: string;
  audit: AuditService;
  directory: DirectoryService;
}) {
  const { prisma, accountId, audit, directory } = deps;

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

    /** Deletes the users and moves their assets, all or nothing. */
    async deleteUsers(
      actor: Actor,
      userIds: string[],
      reason: string | null,
      options: ChangeOptions = {},
    ): Promise<DeletionResult> {
      requirePermission(actor, 'users:manage');
      const justification = reason?.trim() || null;
      if (userIds.includes(actor.userId ?? '') && !justification) {
        throw fail.badInput('You are deleting yourself: say why.', { field: 'reason' });
      }
      return inTransaction(prisma, options, async (tx) => {
        await lockAccount(tx, accountId);
        const account = await tx.account.findUniqueOrThrow({ where: { id: accountId }, include: { owner: true } });
        if (!account.ownerId || !account.owner) throw fail.invalidState('The account has no owner to receive the assets.');
        if (userIds.includes(account.ownerId)) {
          throw new RosterError(
            'owner_protected',
            `${account.owner.email} owns the account and cannot be deleted. Transfer ownership first.`,
          );
        }
        const users = await tx.user.findMany({ where: { accountId, id: { in: userIds } }, include: userInclude });
        if (users.length !== new Set(userIds).size)
          throw fail.invalidState('Some of these users were deleted meanwhile; check the list and try again.');
        const moved = await tx.asset.updateMany({
          where: { ownerId: { in: userIds }, transferable: true },
          data: { ownerId: account.ownerId },
        });
        const flagged = await tx.asset.updateMany({
          where: { ownerId: { in: userIds }, transferable: false },
          data: { ownerId: account.ownerId, needsReconfiguration: true },
        });
        await audit.record(
          tx,
          actor,
          ...users.map((user) => ({
            action: 'user.deleted',
            target: { id: user.id, email: user.email, name: user.name },
            before: snapshot(user),
            after: { assetsMovedTo: account.owner?.email ?? null, reason: justification },
          })),
        );
        await tx.user.deleteMany({ where: { id: { in: userIds } } });
        await assertActiveAdminRemains(tx, accountId);
        return {
          deleted: users.map((u) => u.email),
          transferable: moved.count,
          nonTransferable: flagged.count,
          ownerEmail: account.owner.email,
        };
      });
    },
  };
}
