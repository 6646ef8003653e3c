/**
 * Reading time-bound grants (table TimedGrant). A grant is in force while it has not been ended and its
 * end is after `now`, the caller's clock: every read that answers what someone may do passes it, so a
 * grant stops counting the moment it ends, whether or not the scheduler has recorded the end yet.
 */
import type { Prisma } from '../generated/client';
import type { Db } from '../tx';

/** The condition of a grant in force at `now`. */
export function inForce(now: Date): Prisma.TimedGrantWhereInput {
  return { endedAt: null, endsAt: { gt: now } };
}

const WITH_ROLE = { role: true } as const;

/** A grant with the role it names (null for an extra permission). */
export type GrantWithRole = Prisma.TimedGrantGetPayload<{ include: typeof WITH_ROLE }>;

/** The account's grant `id` with its role, or null. */
export function findGrant(db: Db, accountId: string, id: string): Promise<GrantWithRole | null> {
  return db.timedGrant.findFirst({ where: { id, accountId }, include: WITH_ROLE });
}

/** The account's grants in force at `now` (with their holders), soonest end first, up to `limit`. */
export function findAccountGrantsInForce(db: Db, accountId: string, now: Date, limit: number) {
  return db.timedGrant.findMany({
    where: { accountId, ...inForce(now), user: { status: 'active' } },
    include: { role: true, user: { select: { id: true, email: true, name: true, slackUserId: true } } },
    orderBy: [{ endsAt: 'asc' }, { id: 'asc' }],
    take: limit,
  });
}

/** How many grants of the account are in force at `now`. */
export function countAccountGrantsInForce(db: Db, accountId: string, now: Date): Promise<number> {
  return db.timedGrant.count({ where: { accountId, ...inForce(now), user: { status: 'active' } } });
}

/** The user's grants in force at `now`, or ended since `since`: what App Home shows them. */
export function findRecentGrantsOf(db: Db, userId: string, now: Date, since: Date): Promise<GrantWithRole[]> {
  return db.timedGrant.findMany({
    where: { userId, OR: [inForce(now), { endsAt: { gt: since } }, { endedAt: { gt: since } }] },
    include: WITH_ROLE,
    orderBy: [{ endsAt: 'desc' }],
    take: 10,
  });
}

/** Break-glass uses by `userId` that started at or after `since` (the policy's cap counts them). */
export function countBreakGlassSince(db: Db, userId: string, roleId: string, since: Date): Promise<number> {
  return db.timedGrant.count({ where: { userId, roleId, breakGlass: true, startsAt: { gte: since } } });
}

const FOR_NOTICE = {
  role: true,
  user: { select: { id: true, email: true, name: true, slackUserId: true, status: true } },
} as const;

/** A grant as a notice shows it: its access, end and holder. */
export type GrantForNotice = Prisma.TimedGrantGetPayload<{ include: typeof FOR_NOTICE }>;

/** The grant `id` as a notice shows it, or null. */
export function findGrantForNotice(db: Db, id: string): Promise<GrantForNotice | null> {
  return db.timedGrant.findUnique({ where: { id }, include: FOR_NOTICE });
}

/** The grants `ids` as notices show them (in no particular order): one read for a batch of notices. */
export function findGrantsForNotice(db: Db, ids: readonly string[]): Promise<GrantForNotice[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.timedGrant.findMany({ where: { id: { in: [...ids] } }, include: FOR_NOTICE });
}

/** The grants `ids`, with their roles (in no particular order). */
export function findGrantsByIds(db: Db, ids: readonly string[]): Promise<GrantWithRole[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.timedGrant.findMany({ where: { id: { in: [...ids] } }, include: WITH_ROLE });
}
