/**
 * Reading users: the list row and the full card with the relations they show (`SummaryRecord`,
 * `UserRecord`), finding one user, the paged and filtered list of `/users list`, the users a change
 * re-reads or acts on (listed users still matching a filter, role holders), SCIM's lookups by id and
 * e-mail, and the small lookups of App Home, the directory's rules and the scheduler.
 */
import type { Prisma } from '../generated/client';
import type { User, UserStatus } from '../records';
import type { Db, Tx } from '../tx';

/** The relations a list row needs. */
const summaryInclude = {
  roles: { include: { role: true } },
  passcode: { select: { status: true, expiresAt: true, tenureDays: true } },
} satisfies Prisma.UserInclude;

/** The relations the full card needs (also what SCIM's list and a provisioned user's creation return). */
export const userInclude = {
  ...summaryInclude,
  groups: { include: { group: true } },
  apiKey: { select: { prefix: true, createdAt: true, lastUsedAt: true } },
  properties: { orderBy: { key: 'asc' } },
  invitedBy: { select: { email: true, name: true } },
  invites: { where: { status: 'pending' }, orderBy: { createdAt: 'desc' }, take: 1 },
  // Time-bound grants whose end is not recorded yet; the card shows those still in force at its `now`.
  timedGrants: { where: { endedAt: null }, include: { role: true }, orderBy: [{ endsAt: 'asc' }, { id: 'asc' }] },
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

/** A user by id and e-mail, as a group's member list and bulk changes name them. */
export interface UserEmail {
  id: string;
  email: string;
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

/** User `id`; null when there is none. */
export function findUserById(db: Db, id: string): Promise<User | null> {
  return db.user.findUnique({ where: { id } });
}

/** A user a SCIM change may clash with: by id, e-mail and lower-cased userName. */
export interface ClashRow {
  id: string;
  email: string;
  userNameKey: string | null;
}

/**
 * In one read, the account's users whose userName key or e-mail is `userNameKey`, or whose e-mail is
 * `email` (at most three), each branch an exact lookup on a unique index: a user is named by their
 * userName key, or by their e-mail when the identity provider never named them.
 */
export function findUserClashes(db: Db, accountId: string, keys: { userNameKey?: string; email: string }): Promise<ClashRow[]> {
  const { userNameKey, email } = keys;
  return db.user.findMany({
    where: {
      accountId,
      OR: [{ email }, ...(userNameKey === undefined ? [] : [{ userNameKey }, { email: userNameKey }])],
    },
    select: { id: true, email: true, userNameKey: true },
  });
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

/** The condition matching `criteria`, shared by the list and by bulk actions on a filter. */
function userFilterWhere(criteria: UserCriteria): Prisma.UserWhereInput {
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
export async function findUserEmails(db: Db, ids: string[]): Promise<UserEmail[]> {
  if (ids.length === 0) return [];
  return db.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } });
}

/** How many active users of the account hold the role `roleKey`. */
export async function countActiveHolders(db: Db, accountId: string, roleKey: string): Promise<number> {
  // From the role's holders, each looked up by id: it costs the holders, not the directory (a semi-join
  // over every active user took ~0.6 s at 100 000 users on App Home after each change).
  // The role's id is read first and passed as a value: behind a subquery the planner could not use the
  // index on "roleId" and scanned every holding (270 ms at 100 000 users, with PostgreSQL's JIT; 0.9 ms so).
  const role = await db.role.findUnique({ where: { accountId_key: { accountId, key: roleKey } }, select: { id: true } });
  if (!role) return 0;
  const rows = await db.$queryRaw<{ n: number }[]>`
    SELECT count(DISTINCT ur."userId")::int AS n FROM "UserRole" ur
    WHERE ur."roleId" = ${role.id}
      AND (SELECT u."status" FROM "User" u WHERE u."id" = ur."userId") = 'active'`;
  return rows[0]?.n ?? 0;
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

/** The user with this id and everything their card shows; throws when they are gone. */
export function getUserRecord(db: Db, userId: string): Promise<UserRecord> {
  return db.user.findUniqueOrThrow({ where: { id: userId }, include: userInclude });
}

/** The account's users with these (normalised) e-mails, with everything their cards show. */
export function findUserRecordsByEmails(db: Db, accountId: string, emails: string[]): Promise<UserRecord[]> {
  return db.user.findMany({ where: { accountId, email: { in: emails } }, include: userInclude });
}

/** Those of the account's users `ids` that `criteria` (the list's filter) still matches, with their details, by e-mail. */
export function findListedUsersMatching(db: Db, accountId: string, ids: string[], criteria: UserCriteria): Promise<UserRecord[]> {
  return db.user.findMany({
    where: { AND: [userFilterWhere(criteria), { accountId, id: { in: ids } }] },
    include: userInclude,
    orderBy: { email: 'asc' },
  });
}

/** Those of the account's users `ids` still in the directory: id and e-mail, by e-mail. */
export function findListedUserEmails(db: Db, accountId: string, ids: string[]): Promise<UserEmail[]> {
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
export function findRoleHolders(db: Db, accountId: string, roleIds: string[] | 'any'): Promise<SummaryRecord[]> {
  return db.user.findMany({
    where: { accountId, roles: { some: roleIds === 'any' ? {} : { roleId: { in: roleIds } } } },
    include: summaryInclude,
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

/** The account's users with these (normalised) e-mails, by id and e-mail. */
export function userEmailsByEmails(db: Db, accountId: string, emails: string[]): Promise<UserEmail[]> {
  return db.user.findMany({ where: { accountId, email: { in: emails } }, select: { id: true, email: true } });
}

/** The account's users among `ids`, with their e-mails (ids that name nobody are left out). */
export function userEmailsByIds(db: Db, accountId: string, ids: string[]): Promise<UserEmail[]> {
  return db.user.findMany({ where: { accountId, id: { in: ids } }, select: { id: true, email: true } });
}

/** Every user of the account with their e-mail, by e-mail. */
export function accountUserEmails(db: Db, accountId: string): Promise<UserEmail[]> {
  return db.user.findMany({ where: { accountId }, select: { id: true, email: true }, orderBy: { email: 'asc' } });
}

/** How many users the account has, whatever their status. */
export function countAccountUsers(db: Db, accountId: string): Promise<number> {
  return db.user.count({ where: { accountId } });
}

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
