/** Reading groups' members for SCIM, by membership row. */
import type { Db } from '../tx';
import type { UserEmail } from '../users/scim-user-reads';

/** The membership rows of these groups, each with its user's id and e-mail, by e-mail. */
export function membersOfGroups(db: Db, groupIds: string[]): Promise<Array<{ groupId: string; user: UserEmail }>> {
  return db.groupMembership.findMany({
    where: { groupId: { in: groupIds } },
    select: { groupId: true, user: { select: { id: true, email: true } } },
    orderBy: { user: { email: 'asc' } },
  });
}
