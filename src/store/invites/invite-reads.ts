/**
 * Reads of invites by their user or their link, for issuing, resending, renewing and accepting them,
 * and which account an invite link belongs to (the router).
 */
import type { Prisma } from '../generated/client';
import type { Invite } from '../records';
import type { Db } from '../tx';

/** An invite with the user it was sent to. */
export type InviteWithUser = Prisma.InviteGetPayload<{ include: { user: true } }>;

/** The user's most recent invite, whatever its status; null when they never had one. */
export function findLatestInvite(db: Db, userId: string): Promise<Invite | null> {
  return db.invite.findFirst({ where: { userId }, orderBy: { createdAt: 'desc' } });
}

/** The user's most recent pending invite; null when none is pending. */
export function findLatestPendingInvite(db: Db, userId: string): Promise<Invite | null> {
  return db.invite.findFirst({ where: { userId, status: 'pending' }, orderBy: { createdAt: 'desc' } });
}

/** The invite whose link has this token hash, with its user, in any account; null when there is none. */
export function findInviteByTokenHash(db: Db, tokenHash: string): Promise<InviteWithUser | null> {
  return db.invite.findUnique({ where: { tokenHash }, include: { user: true } });
}

/** Those of these invites of the account that are still pending, as their links are derived. */
export function findPendingInviteLinks(
  db: Db,
  accountId: string,
  ids: string[],
): Promise<Pick<Invite, 'id' | 'tokenNonce' | 'tokenHash'>[]> {
  return db.invite.findMany({
    where: { id: { in: ids }, accountId, status: 'pending' },
    select: { id: true, tokenNonce: true, tokenHash: true },
  });
}

/** An invite's link as stored: its nonce and its token's hash. */
export interface InviteLinkRow {
  id: string;
  tokenNonce: string;
  tokenHash: string;
}

/** The account of the invite whose link token hashes to `tokenHash`; undefined when there is none. */
export async function accountOfInvite(db: Db, tokenHash: string): Promise<string | undefined> {
  return (await db.invite.findUnique({ where: { tokenHash }, select: { accountId: true } }))?.accountId;
}

/** The invite's current link; null when the invite is gone. */
export function findInviteLink(db: Db, inviteId: string): Promise<InviteLinkRow | null> {
  return db.invite.findUnique({ where: { id: inviteId }, select: { id: true, tokenNonce: true, tokenHash: true } });
}
