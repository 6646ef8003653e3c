/**
 * Reading the account row: the seat count the store keeps on it, its owner, and how it is named
 * outside Slack and in it.
 */
import type { Prisma } from '../generated/client';
import type { Db } from '../tx';

/** Seats in use: the count the store keeps on the account row (triggers on "User"). */
export async function readSeatsUsed(db: Db, accountId: string): Promise<number> {
  const account = await db.account.findUniqueOrThrow({ where: { id: accountId }, select: { seatsUsed: true } });
  return account.seatsUsed;
}

/** The id of the account's owner; null when it has none. */
export async function readOwnerId(db: Db, accountId: string): Promise<string | null> {
  const account = await db.account.findUniqueOrThrow({ where: { id: accountId }, select: { ownerId: true } });
  return account.ownerId;
}

/** How App Home names the account, and who owns it. */
export interface AccountNaming {
  slug: string | null;
  slackTeamId: string | null;
  slackEnterpriseId: string | null;
  ownerId: string | null;
}

/** The account's slug, Slack team and enterprise ids, and owner id. */
export function readAccountNaming(db: Db, accountId: string): Promise<AccountNaming> {
  return db.account.findUniqueOrThrow({
    where: { id: accountId },
    select: { slug: true, slackTeamId: true, slackEnterpriseId: true, ownerId: true },
  });
}

/** The account row with its owner's user row. */
export type AccountWithOwner = Prisma.AccountGetPayload<{ include: { owner: true } }>;

/** The account with its owner (null owner when it has none). */
export function readAccountWithOwner(db: Db, accountId: string): Promise<AccountWithOwner> {
  return db.account.findUniqueOrThrow({ where: { id: accountId }, include: { owner: true } });
}

/** The owner as the directory's rules check them: e-mail, status and the keys of the roles they hold. */
export type OwnerStanding = Prisma.UserGetPayload<{
  select: { email: true; status: true; roles: { select: { role: { select: { key: true } } } } };
}>;

/** The account's owner with their status and role keys; null when it has none. */
export async function readOwnerStanding(db: Db, accountId: string): Promise<OwnerStanding | null> {
  const account = await db.account.findUniqueOrThrow({
    where: { id: accountId },
    select: { owner: { select: { email: true, status: true, roles: { select: { role: { select: { key: true } } } } } } },
  });
  return account.owner;
}
