/** Writes of group memberships for invites. */
import type { Db } from '../tx';

/** Puts users in groups; a membership already there is left as it is. */
export async function addMemberships(db: Db, memberships: { userId: string; groupId: string }[]): Promise<void> {
  await db.groupMembership.createMany({ data: memberships, skipDuplicates: true });
}
