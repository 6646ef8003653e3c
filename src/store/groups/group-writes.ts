/** Writes of groups and their memberships, for group changes from Slack and from the identity provider. */
import type { Group } from '../records';
import type { Db } from '../tx';

/** Creates a custom group in the account. */
export function createGroup(db: Db, accountId: string, name: string): Promise<Group> {
  return db.group.create({ data: { accountId, name } });
}

/** Renames the group and bumps its version; the group as it is now. */
export function renameGroup(db: Db, id: string, name: string): Promise<Group> {
  return db.group.update({ where: { id }, data: { name, version: { increment: 1 } } });
}

/** Deletes the group (its membership rows go with it; its members stay). */
export async function deleteGroup(db: Db, id: string): Promise<void> {
  await db.group.delete({ where: { id } });
}

/** Adds the users to the group; one already in it is skipped. */
export async function addGroupMembers(db: Db, groupId: string, userIds: string[]): Promise<void> {
  await db.groupMembership.createMany({ data: userIds.map((userId) => ({ userId, groupId })), skipDuplicates: true });
}

/** Takes the users out of the group. */
export async function removeGroupMembers(db: Db, groupId: string, userIds: string[]): Promise<void> {
  await db.groupMembership.deleteMany({ where: { groupId, userId: { in: userIds } } });
}
