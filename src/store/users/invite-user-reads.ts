/** Reads of users for invites and link-authorised changes. */
import type { Prisma } from '../generated/client';
import type { User, UserStatus } from '../records';
import type { Db } from '../tx';

/** A user with their most recent pending invite, if any (`invites` holds at most one). */
export type UserWithPendingInvite = Prisma.UserGetPayload<{ include: { invites: true } }>;

/** The account's users with these (normalised) addresses, each with their latest pending invite. */
export function findUsersWithPendingInvite(db: Db, accountId: string, emails: string[]): Promise<UserWithPendingInvite[]> {
  return db.user.findMany({
    where: { accountId, email: { in: emails } },
    include: { invites: { where: { status: 'pending' }, orderBy: { createdAt: 'desc' }, take: 1 } },
  });
}

/** The status of the user with this id; null when there is no such user. */
export function findUserStatus(db: Db, userId: string): Promise<{ status: UserStatus } | null> {
  return db.user.findUnique({ where: { id: userId }, select: { status: true } });
}

/** The account's user with this (normalised) address; null when there is none. */
export function findUserByEmail(db: Db, accountId: string, email: string): Promise<User | null> {
  return db.user.findUnique({ where: { accountId_email: { accountId, email } } });
}
