/**
 * Groups: All Users (implicit, every user, not editable), Default (exists from the start, can be
 * renamed, not deleted) and the admins' own. Names are unique per account, case-insensitively.
 */

import { fail } from '../../errors';
import type { PrismaClient } from '../../store/generated/client';
import { lockAccount } from '../../store/tx';
import { type Actor, requirePermission } from '../access/actor';
import type { AuditService } from '../audit/audit-service';
import { findGroup, groupNamed } from './find-group';

export interface GroupView {
  name: string;
  kind: 'all_users' | 'default' | 'custom';
  members: number;
}

export type GroupService = ReturnType<typeof createGroupService>;

export function createGroupService(deps: { prisma: PrismaClient; accountId: string; audit: AuditService }) {
  const { prisma, accountId, audit } = deps;

  async function lockedGroups<T>(
    work: (tx: Parameters<Parameters<PrismaClient['$transaction']>[0]>[0]) => Promise<T>,
  ): Promise<T> {
    return prisma.$transaction(async (tx) => {
      await lockAccount(tx, accountId);
      return work(tx);
    });
  }

  function clean(name: string): string {
    const trimmed = name.trim().replace(/\s+/g, ' ');
    if (trimmed.length === 0 || trimmed.length > 60)
      throw fail.badInput('A group name is 1 to 60 characters.', { field: 'name' });
    return trimmed;
  }

  return {
    async list(actor: Actor): Promise<GroupView[]> {
      requirePermission(actor, 'users:view');
      const [groups, everyone] = await Promise.all([
        prisma.group.findMany({
          where: { accountId },
          include: { _count: { select: { members: true } } },
          orderBy: { name: 'asc' },
        }),
        prisma.user.count({ where: { accountId } }),
      ]);
      return groups
        .map((g) => ({ name: g.name, kind: g.kind, members: g.kind === 'all_users' ? everyone : g._count.members }))
        .sort((a, b) => (a.kind === 'all_users' ? -1 : b.kind === 'all_users' ? 1 : a.name.localeCompare(b.name)));
    },

    async create(actor: Actor, rawName: string): Promise<void> {
      requirePermission(actor, 'groups:manage');
      const name = clean(rawName);
      await lockedGroups(async (tx) => {
        if (await tx.group.findFirst({ where: groupNamed(accountId, name) })) {
          throw fail.conflict(`A group named ${name} already exists.`, { field: 'name' });
        }
        await tx.group.create({ data: { accountId, name } });
        await audit.record(tx, actor, { action: 'group.created', after: { group: name } });
      });
    },

    async rename(actor: Actor, oldName: string, rawNewName: string): Promise<void> {
      requirePermission(actor, 'groups:manage');
      const newName = clean(rawNewName);
      await lockedGroups(async (tx) => {
        const group = await findGroup(tx, accountId, oldName, 'name');
        if (group.kind === 'all_users') throw fail.badInput('All Users cannot be renamed.', { field: 'name' });
        const clash = await tx.group.findFirst({ where: { ...groupNamed(accountId, newName), id: { not: group.id } } });
        if (clash) throw fail.conflict(`A group named ${clash.name} already exists.`, { field: 'name' });
        await tx.group.update({ where: { id: group.id }, data: { name: newName, version: { increment: 1 } } });
        await audit.record(tx, actor, { action: 'group.renamed', before: { group: group.name }, after: { group: newName } });
      });
    },

    async remove(actor: Actor, name: string): Promise<number> {
      requirePermission(actor, 'groups:manage');
      return lockedGroups(async (tx) => {
        const group = await findGroup(tx, accountId, name, 'name');
        const members = await tx.groupMembership.count({ where: { groupId: group.id } });
        if (group.kind !== 'custom')
          throw fail.badInput(
            `${group.name} is built in and cannot be deleted${group.kind === 'default' ? ' (it can be renamed)' : ''}.`,
          );
        await tx.group.delete({ where: { id: group.id } });
        await audit.record(tx, actor, { action: 'group.deleted', before: { group: group.name, members } });
        return members;
      });
    },
  };
}
