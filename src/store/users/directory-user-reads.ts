/**
 * Reading users: the list row and the full card with the relations they show, finding one user,
 * the paged and filtered list of `/users list`, and the small lookups of App Home, the directory's
 * rules and the scheduler.
 */
import type { Prisma } from '../generated/client';
import type { User, UserStatus } from '../records';
import type { Db, Tx } from '../tx';

/** The relations a list row needs. */
export const summaryInclude = {
  roles: { include: { role: true } },
  passcode: { select: { status: true, expiresAt: true, tenureDays: true } },
} satisfies Prisma.UserInclude;

/** The relations the full card needs. */
export const userInclude = {
  ...summaryInclude,
  groups: { include: { group: true } },
  apiKey: { select: { prefix: true, createdAt: true, lastUsedAt: true } },
  properties: { orderBy: { key: 'asc' } },
  invitedBy: { select: { email: true, name: true } },
  invites: { where: { status: 'pending' }, orderBy: { createdAt: 'desc' }, take: 1 },
} satisfies Prisma.UserInclude;

/** A user with what a list row shows: roles and passcode. */
export type SummaryRecord = Prisma.UserGetPayload<{ include: typeof summaryInclude }>;

/** A user with everything the card shows. */
export type UserRecord = Prisma.UserGetPayload<{ include: typeof userInclude }>;

/** A user as a message or an audit event names them. */
export interface UserTarget {
  id: string;
  email: string;
  name: string | null;
}

/** One user of an account, by normalised e-mail, linked Slack user or id. */
export type UserKey = { email: string } | { slackUserId: string } | { id: string };

/** The account's user named by `key`, with everything the card shows; null when there is none. */
export function findUserRecord(db: Db, accountId: string, key: UserKey): Promise<UserRecord | null> {
  const where: Prisma.UserWhereInput =
    'email' in key
      ? { accountId, email: key.email }
      : 'slackUserId' in key
        ? { accountId, slackUserId: key.slackUserId }
        : { accountId, id: key.id };
  return db.user.findFirst({ where, include: userInclude });
}

/** The account's user with this (normalised) e-mail; null when there is none. */
export function findUserByEmail(db: Db, accountId: string, email: string): Promise<User | null> {
  return db.user.findUnique({ where: { accountId_email: { accountId, email } } });
}

/** What `/users list` filters on: text in e-mail or name, a status, a held role, a group (by id). */
export interface UserCriteria {
  accountId: string;
  text?: string;
  status?: UserStatus;
  roleId?: string;
  groupId?: string;
}

/** A filter of users as the store applies it (built by `userFilterWhere`). */
export type UserFilterWhere = Prisma.UserWhereInput;

/** The condition matching `criteria`, shared by the list and by bulk actions on a filter. */
export function userFilterWhere(criteria: UserCriteria): UserFilterWhere {
  const where: Prisma.UserWhereInput = { accountId: criteria.accountId };
  if (criteria.status) where.status = criteria.status;
  if (criteria.text) {
    where.OR = [
      { email: { contains: criteria.text, mode: 'insensitive' } },
      { name: { contains: criteria.text, mode: 'insensitive' } },
    ];
  }
  if (criteria.roleId) where.roles = { some: { roleId: criteria.roleId } };
  if (criteria.groupId) where.groups = { some: { groupId: criteria.groupId } };
  return where;
}

/** Up to `take` users matching `criteria`, by e-mail. */
export function findUsersMatching(db: Db, criteria: UserCriteria, take: number): Promise<UserTarget[]> {
  return db.user.findMany({
    where: userFilterWhere(criteria),
    select: { id: true, email: true, name: true },
    orderBy: { email: 'asc' },
    take,
  });
}

/** One page of users matching `criteria`, by e-mail, with what a list row shows. */
export function listUserSummaries(db: Db, criteria: UserCriteria, skip: number, take: number): Promise<SummaryRecord[]> {
  return db.user.findMany({
    where: userFilterWhere(criteria),
    include: summaryInclude,
    orderBy: { email: 'asc' },
    skip,
    take,
  });
}

/** How many users match `criteria`. */
export function countUsersMatching(db: Db, criteria: UserCriteria): Promise<number> {
  return db.user.count({ where: userFilterWhere(criteria) });
}

/** The e-mail of each of these users (any account's ids; unknown ids are left out). */
export function findUserEmails(db: Db, ids: string[]): Promise<{ id: string; email: string }[]> {
  return db.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } });
}

/** How many active users of the account hold the role `roleKey`. */
export function countActiveHolders(db: Db, accountId: string, roleKey: string): Promise<number> {
  return db.user.count({ where: { accountId, status: 'active', roles: { some: { role: { key: roleKey } } } } });
}

/** One active holder of the account's role `roleKey` (the first found); null when there is none. */
export function findActiveHolder(db: Db, accountId: string, roleKey: string): Promise<{ userId: string } | null> {
  return db.userRole.findFirst({
    where: { role: { accountId, key: roleKey }, user: { status: 'active' } },
    select: { userId: true },
  });
}

/** The e-mails of those of these users who hold no role. */
export function findRolelessUsers(db: Db, userIds: string[]): Promise<{ email: string }[]> {
  return db.user.findMany({
    where: { id: { in: userIds }, roles: { none: {} } },
    select: { email: true },
  });
}

/** These users, as targets (unknown ids are left out). */
export function findUserTargets(db: Db, ids: string[]): Promise<UserTarget[]> {
  return db.user.findMany({
    where: { id: { in: ids } },
    select: { id: true, email: true, name: true },
  });
}

/** Those of these users who are still `invited` and have no pending invite left, as targets. */
export function findInvitedWithoutPendingInvite(tx: Tx, ids: string[]): Promise<UserTarget[]> {
  return tx.user.findMany({
    where: { id: { in: ids }, status: 'invited', invites: { none: { status: 'pending' } } },
    select: { id: true, email: true, name: true },
  });
}
