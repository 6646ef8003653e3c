/** Reading groups: by name or id, a group's member ids, and every group with its member count. */
import type { Group } from '../records';
import type { Db } from '../tx';

/**
 * The account's group called `name`, whatever its case (names are unique per account that way),
 * other than the group `exceptId`; null when there is none.
 */
export function findGroupByName(db: Db, accountId: string, name: string, exceptId?: string): Promise<Group | null> {
  return db.group.findFirst({
    where: {
      accountId,
      name: { equals: name.trim(), mode: 'insensitive' },
      ...(exceptId ? { id: { not: exceptId } } : {}),
    },
  });
}

/** The account's group with this id; null when there is none. */
export function findGroupById(db: Db, accountId: string, id: string): Promise<Group | null> {
  return db.group.findFirst({ where: { accountId, id } });
}

/** The ids of the group's members (by membership row: none for All Users). */
export async function groupMemberIds(db: Db, groupId: string): Promise<string[]> {
  const members = await db.groupMembership.findMany({ where: { groupId }, select: { userId: true } });
  return members.map((m) => m.userId);
}

/** A group with how many membership rows it has. */
export type GroupWithCount = Group & { memberCount: number };

/** The account's groups by name, each with its number of membership rows. */
export async function groupsWithMemberCounts(db: Db, accountId: string): Promise<GroupWithCount[]> {
  const groups = await db.group.findMany({
    where: { accountId },
    include: { _count: { select: { members: true } } },
    orderBy: { name: 'asc' },
  });
  return groups.map(({ _count, ...group }) => ({ ...group, memberCount: _count.members }));
}
