/**
 * The invites notices and App Home read: one invite for its reminder, the invites a digest or an
 * inviter's DM lists, those about to expire and those that expired lately.
 */
import type { Prisma } from '../generated/client';
import type { Db } from '../tx';
import type { InviteWithUser } from './invite-reads';

/** An invite with its user's address. */
export type InviteWithEmail = Prisma.InviteGetPayload<{ include: { user: { select: { email: true } } } }>;

/** An invite as a list of expiries shows it: when it expires (or expired) and whose it is. */
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

/** Up to `take` pending invites expiring after `after` and by `until`, soonest first. */
export function findInvitesExpiringBetween(
  db: Db,
  accountId: string,
  after: Date,
  until: Date,
  take: number,
): Promise<InviteExpiry[]> {
  return db.invite.findMany({
    where: { accountId, status: 'pending', expiresAt: { gt: after, lte: until } },
    orderBy: { expiresAt: 'asc' },
    take,
    select: { expiresAt: true, user: { select: { email: true } } },
  });
}

/** A user whose invite expired, and when the latest of their expired invites did. */
export interface LatestExpiry {
  userId: string;
  expiresAt: Date | null;
}

/**
 * Per user still `expired`, the latest expiry of their invites that expired between `from` and `to`;
 * latest first, at most `take` users.
 */
export async function findLatestExpiries(db: Db, accountId: string, from: Date, to: Date, take: number): Promise<LatestExpiry[]> {
  const latest = await db.invite.groupBy({
    by: ['userId'],
    where: {
      accountId,
      status: 'expired',
      expiresAt: { gte: from, lte: to },
      user: { status: 'expired' },
    },
    _max: { expiresAt: true },
    orderBy: { _max: { expiresAt: 'desc' } },
    take,
  });
  return latest.map((row) => ({ userId: row.userId, expiresAt: row._max.expiresAt }));
}
