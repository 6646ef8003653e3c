/** Writes a change makes to who is in which group. */
import type { Db } from '../tx';

/** Takes the user out of the group; how many memberships were removed (0 when they were not in it). */
export async function removeMembership(db: Db, userId: string, groupId: string): Promise<number> {
  const removed = await db.groupMembership.deleteMany({ where: { userId, groupId } });
  return removed.count;
}

/** Puts the user in the group; nothing happens when they are in it already. */
export async function addMembership(db: Db, userId: string, groupId: string): Promise<void> {
  await db.groupMembership.createMany({ data: [{ userId, groupId }], skipDuplicates: true });
}
