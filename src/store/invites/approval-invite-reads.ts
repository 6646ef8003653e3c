/**
 * The invites scheduled notices read: one invite for its reminder, and the invites a digest or an
 * inviter's DM lists.
 */
import type { Prisma } from '../generated/client';
import type { Db } from '../tx';

/** An invite with its user. */
export type InviteWithUser = Prisma.InviteGetPayload<{ include: { user: true } }>;

/** An invite with its user's address. */
export type InviteWithEmail = Prisma.InviteGetPayload<{ include: { user: { select: { email: true } } } }>;

/** An expired invite as the inviter's DM lists it. */
export interface InviteExpiry {
  expiresAt: Date;
  user: { email: string };
}

/** Invite `id` with its user; null when there is none. */
export function findInviteWithUser(db: Db, id: string): Promise<InviteWithUser | null> {
  return db.invite.findUnique({ where: { id }, include: { user: true } });
}

/** Of `ids`, the invites that exist: when each expires and whose it is, soonest first, then by address. */
export function listInviteExpiries(db: Db, ids: string[]): Promise<InviteExpiry[]> {
  return db.invite.findMany({
    where: { id: { in: ids } },
    select: { expiresAt: true, user: { select: { email: true } } },
    orderBy: [{ expiresAt: 'asc' }, { user: { email: 'asc' } }],
  });
}

/** Of `ids`, the invites that exist, with their user's address, soonest expiry first. */
export function listInvitesWithEmail(db: Db, ids: string[]): Promise<InviteWithEmail[]> {
  return db.invite.findMany({
    where: { id: { in: ids } },
    include: { user: { select: { email: true } } },
    orderBy: { expiresAt: 'asc' },
  });
}
