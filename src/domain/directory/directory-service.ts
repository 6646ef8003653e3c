/**
 * Reading the directory: finding a user by address or Slack ID, the paged list with its
 * filters, the user card, and seat usage.
 */

import { fail } from '../../errors';
import { readOwnerId, readSeatsUsed } from '../../store/accounts/account-reads';
import { listInheritedApiKeys } from '../../store/credentials/credential-reads';
import type { UserStatus } from '../../store/records';
import { findRoleByKeyOrName, listRoleKeys } from '../../store/roles/role-reads';
import { findActiveSignInLock } from '../../store/sign-in/sign-in-throttle-rows';
import type { Db, Store } from '../../store/tx';
import {
  countUsersMatching,
  findUserRecord,
  findUsersMatching,
  listUserSummaries,
  type UserCriteria,
  type UserRecord,
} from '../../store/users/user-reads';
import { type Actor, requirePermission } from '../access/actor';
import { ALL_USERS_GROUP } from '../account/bootstrap';
import type { Clock } from '../clock';
import { normaliseEmail } from '../email';
import { findGroup } from '../groups/find-group';
import type { AdminPermission } from '../roles/permissions';
import type { MultipleRoles } from '../roles/precedence';
import { toCard, toSummary, type UserCard, type UserSummary } from './user-view';

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
  return readSeatsUsed(db, accountId);
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;

export function createDirectoryService(deps: {
  prisma: Store;
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
    return readOwnerId(db, accountId);
  }

  async function findUser(who: UserRef, db: Db = prisma): Promise<UserRecord> {
    const key = 'email' in who ? { email: normaliseEmail(who.email) } : who;
    const user = await findUserRecord(db, accountId, key);
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
   * `/users list`'s filters (text in e-mail or name, status, a held role, a group) as the store applies
   * them, shared by the list and by bulk actions on a filter, so "everyone matching" means what the list shows.
   */
  async function filterCriteria(filter: UserFilter, db: Db = prisma): Promise<UserCriteria> {
    const criteria: UserCriteria = { accountId, status: filter.status, text: filter.text };
    if (filter.role) {
      const role = await findRoleByKeyOrName(db, accountId, filter.role);
      if (!role) throw fail.notFound(`There is no role \`${filter.role}\`. Roles: ${await roleKeys()}.`, { field: 'role' });
      criteria.roleId = role.id;
    }
    if (filter.group && filter.group.toLowerCase() !== ALL_USERS_GROUP.toLowerCase()) {
      const group = await findGroup(db, accountId, filter.group);
      criteria.groupId = group.id;
    }
    return criteria;
  }

  return {
    findUser,
    ownerId,
    filterCriteria,
    multipleRoles: deps.multipleRoles,

    /**
     * Everyone matching a filter, for a bulk action that needs `permission`: ordered by e-mail, at most
     * `MAX_MATCHING` (more is refused, so an action never silently covers part of what was asked).
     */
    async matching(actor: Actor, permission: AdminPermission, filter: UserFilter): Promise<MatchedUser[]> {
      requirePermission(actor, permission);
      const users = await findUsersMatching(prisma, await filterCriteria(filter), MAX_MATCHING + 1);
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
      const lock = await findActiveSignInLock(prisma, accountId, user.email, now);
      return {
        ...toCard(user, now, await ownerId(prisma), deps.multipleRoles),
        signInLock: lock?.lockedUntil ? { until: lock.lockedUntil, addresses: lock.addresses } : null,
        inheritedKeys: (await listInheritedApiKeys(prisma, accountId, user.id)).map((key) => ({
          prefix: key.prefix,
          fromEmail: key.inheritedFromEmail,
          inheritedAt: key.inheritedAt,
        })),
      };
    },

    /** One page of the list, 20 rows, ordered by e-mail. */
    async list(actor: Actor, filter: ListFilter): Promise<UserPage> {
      requirePermission(actor, 'users:view');
      const criteria = await filterCriteria(filter);
      const fetch = (page: number) => listUserSummaries(prisma, criteria, (page - 1) * PAGE_SIZE, PAGE_SIZE);
      // A first page that is not full is the whole list: no count needed (the common case of `/users list`).
      const first = filter.page <= 1 ? await fetch(1) : null;
      const total = first && first.length < PAGE_SIZE ? first.length : await countUsersMatching(prisma, criteria);
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
    const roles = await listRoleKeys(prisma, accountId);
    return roles.map((role) => `\`${role.key}\``).join(', ');
  }
}
