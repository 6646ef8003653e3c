/**
 * Reading the directory: finding a user by address or Slack ID, the paged list with its
 * filters, the user card, and seat usage.
 */

import { fail } from '../../errors';
import type { Prisma, PrismaClient, UserStatus } from '../../store/generated/client';
import type { Db } from '../../store/tx';
import { type Actor, requirePermission } from '../access/actor';
import { ALL_USERS_GROUP } from '../account/bootstrap';
import type { Clock } from '../clock';
import { normaliseEmail } from '../email';
import { findGroup } from '../groups/find-group';
import type { AdminPermission } from '../roles/permissions';
import type { MultipleRoles } from '../roles/precedence';
import { summaryInclude, toCard, toSummary, type UserCard, type UserRecord, type UserSummary, userInclude } from './user-view';

/** A user as an admin names them: by e-mail, or by their linked Slack user. */
export type Who = { email: string } | { slackUserId: string };

/** A user as Roster's own forms and buttons name them: by id, or as an admin would. */
export type UserRef = Who | { id: string };

export const PAGE_SIZE = 20;

/** `/users list`'s filters, also the target of bulk actions on "everyone matching". */
export interface UserFilter {
  text?: string;
  status?: UserStatus;
  role?: string;
  group?: string;
}

export interface ListFilter extends UserFilter {
  page: number;
}

/** A bulk action on a filter covers at most this many users. */
export const MAX_MATCHING = 500;

/** A user a filter matched. */
export interface MatchedUser {
  id: string;
  email: string;
  name: string | null;
}

/** A filter as people read it: `status active, role viewer, group “Sales”, text “ann”`. */
export function describeFilter(filter: UserFilter): string {
  const parts = [
    filter.status ? `status ${filter.status}` : '',
    filter.role ? `role ${filter.role}` : '',
    filter.group ? `group “${filter.group}”` : '',
    filter.text ? `text “${filter.text}”` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'no filter (everyone)';
}

export interface UserPage {
  users: UserSummary[];
  page: number;
  pages: number;
  total: number;
}

export interface Seats {
  used: number;
  limit: number;
}

/**
 * Seats are taken by every user who is not revoked, pending invites included (SPEC §3). The store
 * keeps the count on the account row (triggers on "User"), so reading it costs one row.
 */
export async function countSeats(db: Db, accountId: string): Promise<number> {
  const account = await db.account.findUniqueOrThrow({ where: { id: accountId }, select: { seatsUsed: true } });
  return account.seatsUsed;
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;

export function createDirectoryService(deps: {
  prisma: PrismaClient;
  accountId: string;
  clock: Clock;
  seatLimit: number;
  multipleRoles: MultipleRoles;
}) {
  const { prisma, accountId, clock } = deps;

  function describe(who: UserRef): string {
    return 'email' in who ? who.email : 'slackUserId' in who ? `<@${who.slackUserId}>` : 'that user';
  }

  async function ownerId(db: Db): Promise<string | null> {
    const account = await db.account.findUniqueOrThrow({ where: { id: accountId }, select: { ownerId: true } });
    return account.ownerId;
  }

  async function findUser(who: UserRef, db: Db = prisma): Promise<UserRecord> {
    const where: Prisma.UserWhereInput =
      'email' in who
        ? { accountId, email: normaliseEmail(who.email) }
        : 'slackUserId' in who
          ? { accountId, slackUserId: who.slackUserId }
          : { accountId, id: who.id };
    const user = await db.user.findFirst({ where, include: userInclude });
    if (!user) {
      throw fail.notFound(
        'email' in who
          ? `No user with the e-mail ${describe(who)} is in the directory. Check the address or use \`/users list\`.`
          : 'slackUserId' in who
            ? `${describe(who)} is not linked to anyone in the directory. Use their e-mail address instead.`
            : 'That user is no longer in the directory.',
      );
    }
    return user;
  }

  /**
   * The `where` of `/users list`'s filters (text in e-mail or name, status, a held role, a group), shared
   * by the list and by bulk actions on a filter, so "everyone matching" means what the list shows.
   */
  async function filterWhere(filter: UserFilter, db: Db = prisma): Promise<Prisma.UserWhereInput> {
    const where: Prisma.UserWhereInput = { accountId };
    if (filter.status) where.status = filter.status;
    if (filter.text) {
      where.OR = [
        { email: { contains: filter.text, mode: 'insensitive' } },
        { name: { contains: filter.text, mode: 'insensitive' } },
      ];
    }
    if (filter.role) {
      const role = await db.role.findFirst({
        where: { accountId, OR: [{ key: filter.role.toLowerCase() }, { name: { equals: filter.role, mode: 'insensitive' } }] },
      });
      if (!role) throw fail.notFound(`There is no role \`${filter.role}\`. Roles: ${await roleKeys()}.`, { field: 'role' });
      where.roles = { some: { roleId: role.id } };
    }
    if (filter.group && filter.group.toLowerCase() !== ALL_USERS_GROUP.toLowerCase()) {
      const group = await findGroup(db, accountId, filter.group);
      where.groups = { some: { groupId: group.id } };
    }
    return where;
  }

  return {
    findUser,
    ownerId,
    filterWhere,
    multipleRoles: deps.multipleRoles,

    /**
     * Everyone matching a filter, for a bulk action that needs `permission`: ordered by e-mail, at most
     * `MAX_MATCHING` (more is refused, so an action never silently covers part of what was asked).
     */
    async matching(actor: Actor, permission: AdminPermission, filter: UserFilter): Promise<MatchedUser[]> {
      requirePermission(actor, permission);
      const users = await prisma.user.findMany({
        where: await filterWhere(filter),
        select: { id: true, email: true, name: true },
        orderBy: { email: 'asc' },
        take: MAX_MATCHING + 1,
      });
      if (users.length === 0) throw fail.notFound(`Nobody matches ${describeFilter(filter)}.`, { field: 'users' });
      if (users.length > MAX_MATCHING) {
        throw fail.badInput(
          `More than ${MAX_MATCHING} users match ${describeFilter(filter)}; narrow the filter (at most ${MAX_MATCHING} at once).`,
          { field: 'users' },
        );
      }
      return users;
    },

    /** A user for a form that changes them: the permission is checked before the lookup, so nobody learns who exists. */
    async userFor(actor: Actor, permission: AdminPermission, who: UserRef): Promise<UserRecord> {
      requirePermission(actor, permission);
      return findUser(who);
    },

    /** The user card, as `/users show` presents it. */
    async card(actor: Actor, who: UserRef): Promise<UserCard> {
      requirePermission(actor, 'users:view');
      const user = await findUser(who);
      const now = clock.now();
      const lock = await prisma.signInThrottle.findFirst({ where: { accountId, email: user.email, lockedUntil: { gt: now } } });
      return {
        ...toCard(user, now, await ownerId(prisma), deps.multipleRoles),
        signInLock: lock?.lockedUntil ? { until: lock.lockedUntil, addresses: lock.addresses } : null,
      };
    },

    /** One page of the list, 20 rows, ordered by e-mail. */
    async list(actor: Actor, filter: ListFilter): Promise<UserPage> {
      requirePermission(actor, 'users:view');
      const where = await filterWhere(filter);
      const fetch = (page: number) =>
        prisma.user.findMany({
          where,
          include: summaryInclude,
          orderBy: { email: 'asc' },
          skip: (page - 1) * PAGE_SIZE,
          take: PAGE_SIZE,
        });
      // A first page that is not full is the whole list: no count needed (the common case of `/users list`).
      const first = filter.page <= 1 ? await fetch(1) : null;
      const total = first && first.length < PAGE_SIZE ? first.length : await prisma.user.count({ where });
      const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
      const page = Math.min(Math.max(1, filter.page), pages);
      const users = first && page === 1 ? first : await fetch(page);
      const now = clock.now();
      return { users: users.map((user) => toSummary(user, now)), page, pages, total };
    },

    /** Seats used and the plan's limit, for `/users seats`. */
    async seats(actor: Actor): Promise<Seats> {
      requirePermission(actor, 'users:view');
      return { used: await countSeats(prisma, accountId), limit: deps.seatLimit };
    },

    /** Seats used and the limit, for App Home's bar, which every directory user sees. */
    async seatUsage(): Promise<Seats> {
      return { used: await countSeats(prisma, accountId), limit: deps.seatLimit };
    },
  };

  async function roleKeys(): Promise<string> {
    const roles = await prisma.role.findMany({ where: { accountId }, orderBy: { precedence: 'desc' }, select: { key: true } });
    return roles.map((role) => `\`${role.key}\``).join(', ');
  }
}
