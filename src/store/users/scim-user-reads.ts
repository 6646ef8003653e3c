/**
 * Reading users for SCIM and for groups: the full card of one user, a user by e-mail, and users'
 * e-mails by id or for the whole account (the members of All Users).
 */
import type { Prisma } from '../generated/client';
import type { User } from '../records';
import type { Db } from '../tx';

/** The relations the full card needs (the same as the directory's `userInclude`). */
export const scimUserInclude = {
  roles: { include: { role: true } },
  passcode: { select: { status: true, expiresAt: true, tenureDays: true } },
  groups: { include: { group: true } },
  apiKey: { select: { prefix: true, createdAt: true, lastUsedAt: true } },
  properties: { orderBy: { key: 'asc' } },
  invitedBy: { select: { email: true, name: true } },
  invites: { where: { status: 'pending' }, orderBy: { createdAt: 'desc' }, take: 1 },
} satisfies Prisma.UserInclude;

/** A user with everything the card shows (the directory's `UserRecord`). */
export type ScimUserRecord = Prisma.UserGetPayload<{ include: typeof scimUserInclude }>;

/** A user as a group's member list names them. */
export interface UserEmail {
  id: string;
  email: string;
}

/** The account's user with this id and everything the card shows; null when there is none. */
export function findScimUser(db: Db, accountId: string, id: string): Promise<ScimUserRecord | null> {
  return db.user.findFirst({ where: { accountId, id }, include: scimUserInclude });
}

/** The user with this id and everything the card shows; throws when there is none. */
export function getScimUser(db: Db, id: string): Promise<ScimUserRecord> {
  return db.user.findUniqueOrThrow({ where: { id }, include: scimUserInclude });
}

/** The account's user with this (normalised) e-mail; null when there is none. */
export function findUserWithEmail(db: Db, accountId: string, email: string): Promise<User | null> {
  return db.user.findUnique({ where: { accountId_email: { accountId, email } } });
}

/** The account's users among `ids`, with their e-mails (ids that name nobody are left out). */
export function userEmailsByIds(db: Db, accountId: string, ids: string[]): Promise<UserEmail[]> {
  return db.user.findMany({ where: { accountId, id: { in: ids } }, select: { id: true, email: true } });
}

/** Every user of the account with their e-mail, by e-mail. */
export function accountUserEmails(db: Db, accountId: string): Promise<UserEmail[]> {
  return db.user.findMany({ where: { accountId }, select: { id: true, email: true }, orderBy: { email: 'asc' } });
}
