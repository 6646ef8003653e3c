/** Users as signing in reads them: by address, as a verified holder, and the accounts an address signs in to. */
import type { Prisma } from '../generated/client';
import { inForce } from '../grants/grant-reads';
import type { Db, Tx } from '../tx';

/** A user with their roles (each with its role), time-bound grants in force, and custom properties, by key. */
export type UserWithRolesAndProperties = Prisma.UserGetPayload<{
  include: { roles: { include: { role: true } }; timedGrants: { include: { role: true } }; properties: true };
}>;

/** A role the user holds, with the role itself. */
export type HeldRole = Prisma.UserRoleGetPayload<{ include: { role: true } }>;

/** A user's name and address; null when the user is gone. */
export function findUserNameAndEmail(db: Db, userId: string): Promise<{ name: string | null; email: string } | null> {
  return db.user.findUnique({ where: { id: userId }, select: { name: true, email: true } });
}

/** The roles a user holds, each with its role (in no particular order). */
export function findHeldRoles(db: Db, userId: string): Promise<HeldRole[]> {
  return db.userRole.findMany({ where: { userId }, include: { role: true } });
}

/**
 * A user with their roles, their time-bound grants in force at `now` (soonest end first) and their
 * custom properties in key order; throws when the user is gone.
 */
export function findUserWithRolesAndProperties(db: Db, userId: string, now: Date): Promise<UserWithRolesAndProperties> {
  return db.user.findUniqueOrThrow({
    where: { id: userId },
    include: {
      roles: { include: { role: true } },
      timedGrants: { where: inForce(now), include: { role: true }, orderBy: [{ endsAt: 'asc' }, { id: 'asc' }] },
      properties: { orderBy: { key: 'asc' } },
    },
  });
}

/** The accounts in which this address (already normalised) is an active user signing in with a password. */
export async function accountsOfActivePasswordUser(db: Db, email: string): Promise<string[]> {
  const holders = await db.user.findMany({
    where: { email, status: 'active', signInMethod: 'password' },
    select: { accountId: true },
  });
  return holders.map((holder) => holder.accountId);
}

/** Locks the user's row until the transaction ends. */
export async function lockUser(tx: Tx, userId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${userId} FOR UPDATE`;
}
