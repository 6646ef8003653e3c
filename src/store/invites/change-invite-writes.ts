/** Writes a change makes to invites: a new link for a re-addressed invitee, and ending pending ones. */
import type { Db } from '../tx';

/** A new invite as sent now: who it is for, its link, its note and inviter, when it was sent and ends. */
export interface NewInvite {
  accountId: string;
  userId: string;
  tokenHash: string;
  tokenNonce: string;
  note: string | null;
  invitedById: string | null;
  sentAt: Date;
  lastSentAt: Date;
  expiresAt: Date;
}

/** Records a pending invite. */
export async function createInvite(db: Db, invite: NewInvite): Promise<void> {
  await db.invite.create({ data: invite });
}

/** Marks the user's pending invites superseded: their links stop working. */
export async function supersedePendingInvites(db: Db, userId: string): Promise<void> {
  await db.invite.updateMany({ where: { userId, status: 'pending' }, data: { status: 'superseded' } });
}

/** Marks the user's pending invites revoked: their links stop working. */
export async function revokePendingInvites(db: Db, userId: string): Promise<void> {
  await db.invite.updateMany({ where: { userId, status: 'pending' }, data: { status: 'revoked' } });
}
