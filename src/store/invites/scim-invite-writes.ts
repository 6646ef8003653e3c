/** Writes of invites for SCIM changes. */
import type { Db } from '../tx';

/** Marks the user's pending invites superseded (their links stop working). */
export async function supersedePendingInvites(db: Db, userId: string): Promise<void> {
  await db.invite.updateMany({ where: { userId, status: 'pending' }, data: { status: 'superseded' } });
}
