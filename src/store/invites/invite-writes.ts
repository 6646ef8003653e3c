/**
 * Writes of invites: issuing them, marking them sent, renewing their link, superseding, revoking and
 * accepting them.
 */
import type { Db } from '../tx';

/** One pending invite to store: the link's hash and nonce, never its token. */
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

/** Stores one pending invite. */
export async function createInvite(db: Db, invite: NewInvite): Promise<void> {
  await db.invite.create({ data: invite });
}

/** Stores several pending invites at once. */
export async function createInvites(db: Db, invites: NewInvite[]): Promise<void> {
  await db.invite.createMany({ data: invites });
}

/** Marks the user's pending invites superseded: their links stop working. */
export async function supersedePendingInvites(db: Db, userId: string): Promise<void> {
  await db.invite.updateMany({ where: { userId, status: 'pending' }, data: { status: 'superseded' } });
}

/** Marks the user's pending invites revoked: their links stop working. */
export async function revokePendingInvites(db: Db, userId: string): Promise<void> {
  await db.invite.updateMany({ where: { userId, status: 'pending' }, data: { status: 'revoked' } });
}

/** Records that the invite was sent again at `now`. */
export async function stampInviteResent(db: Db, inviteId: string, now: Date): Promise<void> {
  await db.invite.update({ where: { id: inviteId }, data: { lastSentAt: now } });
}

/** Marks the invite accepted if it is still pending and unexpired at `now`; the number of invites claimed (0 or 1). */
export async function claimPendingInvite(db: Db, inviteId: string, now: Date): Promise<number> {
  const claimed = await db.invite.updateMany({
    where: { id: inviteId, status: 'pending', expiresAt: { gt: now } },
    data: { status: 'accepted', acceptedAt: now },
  });
  return claimed.count;
}

/**
 * Replaces the invite's link with a fresh one, only while its link is still `currentTokenHash`; true
 * when this call renewed it (of a resend and a reminder at once, one does).
 */
export async function renewInviteLink(
  db: Db,
  inviteId: string,
  currentTokenHash: string,
  fresh: { nonce: string; tokenHash: string },
): Promise<boolean> {
  const { count } = await db.invite.updateMany({
    where: { id: inviteId, tokenHash: currentTokenHash },
    data: { tokenNonce: fresh.nonce, tokenHash: fresh.tokenHash },
  });
  return count === 1;
}
