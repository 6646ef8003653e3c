/** Reading invites for App Home: those expiring soon and those that expired lately. */
import type { Db } from '../tx';

/** A pending invite about to expire, with its user's e-mail. */
export interface ExpiringInvite {
  expiresAt: Date;
  user: { email: string };
}

/** Up to `take` pending invites expiring after `after` and by `until`, soonest first. */
export function findInvitesExpiringBetween(
  db: Db,
  accountId: string,
  after: Date,
  until: Date,
  take: number,
): Promise<ExpiringInvite[]> {
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
