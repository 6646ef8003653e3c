/**
 * Reading groups: by name, id or kind (the built-in ones), a group's member ids, every group with its
 * member count, and the members of several groups with their e-mails (SCIM).
 */
import type { Group, GroupKind } from '../records';
import type { Db } from '../tx';
import type { UserEmail } from '../users/user-reads';

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

/** The account's group of kind `kind` (its first, for custom), or null when it has none. */
export function findGroupOfKind(db: Db, accountId: string, kind: GroupKind): Promise<Group | null> {
  return db.group.findFirst({ where: { accountId, kind } });
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

/** The membership rows of these groups, each with its user's id and e-mail, by e-mail. */
export function membersOfGroups(db: Db, groupIds: string[]): Promise<Array<{ groupId: string; user: UserEmail }>> {
  return db.groupMembership.findMany({
    where: { groupId: { in: groupIds } },
    select: { groupId: true, user: { select: { id: true, email: true } } },
    orderBy: { user: { email: 'asc' } },
  });
}
