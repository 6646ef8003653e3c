/** Reading users inside a change: the full record a change compares, and the lists bulk changes act on. */
import type { Prisma } from '../generated/client';
import type { User } from '../records';
import type { Db } from '../tx';

/** The relations a user's roles need (a list row's). */
const withRoles = {
  roles: { include: { role: true } },
  passcode: { select: { status: true, expiresAt: true, tenureDays: true } },
} satisfies Prisma.UserInclude;

/** The relations the full card needs (as the directory's `userInclude`). */
const withDetails = {
  ...withRoles,
  groups: { include: { group: true } },
  apiKey: { select: { prefix: true, createdAt: true, lastUsedAt: true } },
  properties: { orderBy: { key: 'asc' } },
  invitedBy: { select: { email: true, name: true } },
  invites: { where: { status: 'pending' }, orderBy: { createdAt: 'desc' }, take: 1 },
} satisfies Prisma.UserInclude;

/** A user with their roles and passcode. */
export type UserWithRoles = Prisma.UserGetPayload<{ include: typeof withRoles }>;

/** A user with everything their card shows: roles, groups, key, properties, inviter, pending invite. */
export type UserDetails = Prisma.UserGetPayload<{ include: typeof withDetails }>;

/** Which users a filter of the user list matches, as the directory service builds it. */
export type UserMatch = Prisma.UserWhereInput;

/** The user with this id and everything their card shows; throws when they are gone. */
export function findUserDetails(db: Db, userId: string): Promise<UserDetails> {
  return db.user.findUniqueOrThrow({ where: { id: userId }, include: withDetails });
}

/** The account's user with this (normalised) e-mail; null when there is none. */
export function findUserByEmail(db: Db, accountId: string, email: string): Promise<User | null> {
  return db.user.findUnique({ where: { accountId_email: { accountId, email } } });
}

/** The account's users with these (normalised) e-mails, with everything their cards show. */
export function findUsersDetailsByEmails(db: Db, accountId: string, emails: string[]): Promise<UserDetails[]> {
  return db.user.findMany({ where: { accountId, email: { in: emails } }, include: withDetails });
}

/** Those of the account's users `ids` that `match` still matches, with their details, by e-mail. */
export function findListedUsersMatching(db: Db, accountId: string, ids: string[], match: UserMatch): Promise<UserDetails[]> {
  return db.user.findMany({
    where: { AND: [match, { accountId, id: { in: ids } }] },
    include: withDetails,
    orderBy: { email: 'asc' },
  });
}

/** Those of the account's users `ids` still in the directory: id and e-mail, by e-mail. */
export function findListedUserEmails(db: Db, accountId: string, ids: string[]): Promise<{ id: string; email: string }[]> {
  return db.user.findMany({
    where: { accountId, id: { in: ids } },
    select: { id: true, email: true },
    orderBy: { email: 'asc' },
  });
}

/** The account's active users holding the role `roleKey`: their e-mail and Slack link, by e-mail. */
export function findActiveRoleHolderContacts(
  db: Db,
  accountId: string,
  roleKey: string,
): Promise<{ email: string; slackUserId: string | null }[]> {
  return db.user.findMany({
    where: { accountId, status: 'active', roles: { some: { role: { key: roleKey } } } },
    select: { email: true, slackUserId: true },
    orderBy: { email: 'asc' },
  });
}

/** The account's users holding any of the roles `roleIds` ('any': any role at all), with their roles, by id. */
export function findRoleHolders(db: Db, accountId: string, roleIds: string[] | 'any'): Promise<UserWithRoles[]> {
  return db.user.findMany({
    where: { accountId, roles: { some: roleIds === 'any' ? {} : { roleId: { in: roleIds } } } },
    include: withRoles,
    orderBy: { id: 'asc' },
  });
}

/** The extra permissions of every user of the account holding any of `keys` as an extra permission. */
export function findExtraPermissionsHolding(
  db: Db,
  accountId: string,
  keys: string[],
): Promise<{ extraPermissions: string[] }[]> {
  return db.user.findMany({
    where: { accountId, extraPermissions: { hasSome: keys } },
    select: { extraPermissions: true },
  });
}

/** How many custom properties the user has. */
export function countUserProperties(db: Db, userId: string): Promise<number> {
  return db.userProperty.count({ where: { userId } });
}
