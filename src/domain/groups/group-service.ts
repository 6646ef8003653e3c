/**
 * Reading the groups: All Users (implicit, every user), Default and the admins' own, with their
 * member counts. Creating, renaming and deleting them are changes (`group-changes.ts`).
 */

import { groupsWithMemberCounts } from '../../store/groups/group-reads';
import type { Store } from '../../store/tx';
import { countAccountUsers } from '../../store/users/user-reads';
import { type Actor, requirePermission } from '../access/actor';

export interface GroupView {
  name: string;
  kind: 'all_users' | 'default' | 'custom';
  members: number;
}

export type GroupService = ReturnType<typeof createGroupService>;

export function createGroupService(deps: { prisma: Store; accountId: string }) {
  const { prisma, accountId } = deps;

  return {
    async list(actor: Actor): Promise<GroupView[]> {
      requirePermission(actor, 'users:view');
      const [groups, everyone] = await Promise.all([
        groupsWithMemberCounts(prisma, accountId),
        countAccountUsers(prisma, accountId),
      ]);
      return groups
        .map((g) => ({ name: g.name, kind: g.kind, members: g.kind === 'all_users' ? everyone : g.memberCount }))
        .sort((a, b) => (a.kind === 'all_users' ? -1 : b.kind === 'all_users' ? 1 : a.name.localeCompare(b.name)));
    },
  };
}
