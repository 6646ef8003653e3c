/**
 * Writes of groups and their memberships: custom groups and the account's built-in ones, and who is
 * in which group, for group changes from Slack and the identity provider, invites and user changes.
 */
import type { Group, GroupKind } from '../records';
import type { Db } from '../tx';

/** Creates a custom group in the account (with the identity provider's id for it, if any). */
export function createGroup(db: Db, accountId: string, name: string, externalId: string | null = null): Promise<Group> {
  return db.group.create({ data: { accountId, name, externalId } });
}

/** Creates the account's group `name` of kind `kind` (a built-in group). */
export async function createGroupOfKind(db: Db, accountId: string, kind: GroupKind, name: string): Promise<void> {
  await db.group.create({ data: { accountId, kind, name } });
}

/** Renames the group (and sets its externalId, unless undefined) and bumps its version; the group as it is now. */
export function renameGroup(db: Db, id: string, name: string, externalId?: string | null): Promise<Group> {
  return db.group.update({ where: { id }, data: { name, externalId, version: { increment: 1 } } });
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

/** Puts users in groups; a membership already there is left as it is. */
export async function addMemberships(db: Db, memberships: { userId: string; groupId: string }[]): Promise<void> {
  await db.groupMembership.createMany({ data: memberships, skipDuplicates: true });
}

/** Takes the user out of the group; how many memberships were removed (0 when they were not in it). */
export async function removeMembership(db: Db, userId: string, groupId: string): Promise<number> {
  const removed = await db.groupMembership.deleteMany({ where: { userId, groupId } });
  return removed.count;
}
