/** Reading a user's invites inside a change. */
import type { Invite } from '../records';
import type { Db } from '../tx';

/** The user's most recent pending invite; null when none is pending. */
export function findLatestPendingInvite(db: Db, userId: string): Promise<Invite | null> {
  return db.invite.findFirst({ where: { userId, status: 'pending' }, orderBy: { createdAt: 'desc' } });
}
