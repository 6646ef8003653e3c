/**
 * What the SCIM edge reads: whether a bearer token is the account's SCIM token, and provisioned
 * users and groups by id or by a filter the edge parsed (run in the database, paged).
 */

import { findGroupById, membersOfGroups } from '../../store/groups/group-reads';
import type { Group } from '../../store/records';
import { listGroupsMatching, type ScimGroupFilter, type ScimGroupSort } from '../../store/scim/scim-group-filter';
import { listUsersMatching, type ScimUserFilter, type ScimUserSort } from '../../store/scim/scim-user-filter';
import { findScimTokenByHash } from '../../store/sign-in/scim-token-reads';
import type { Store } from '../../store/tx';
import { accountUserEmails, findUserRecord, type UserRecord } from '../../store/users/user-reads';
import { userVersions } from '../../store/users/user-version-reads';
import { hashToken, sameSecret } from '../secrets';

export type ScimDirectory = ReturnType<typeof createScimDirectory>;

/** A group with its members (every user for All Users, whose membership is implicit). */
export type GroupWithMembers = Group & { members: Array<{ id: string; email: string }> };

export function createScimDirectory(deps: { prisma: Store; accountId: string }) {
  const { prisma, accountId } = deps;
  // The hash of the token last found current. Creating, replacing or revoking the token makes every
  // replica forget the account's services, this directory with them (the change signals it after its
  // commit, as a settings change does), so a token that stopped being current is never taken from here.
  let current: string | null = null;
  return {
    /** Whether `token` is the account's current SCIM token (compared by its SHA-256; a current one is remembered). */
    async verifyToken(token: string): Promise<boolean> {
      const hash = hashToken(token);
      if (current !== null && sameSecret(hash, current)) return true;
      const found = await findScimTokenByHash(prisma, hash);
      if (found?.accountId !== accountId) return false;
      current = hash;
      return true;
    },

    /** One user by id, or null. */
    async get(id: string): Promise<UserRecord | null> {
      return findUserRecord(prisma, accountId, { id });
    },

    /** The versions of several users by id (the answers of a /Bulk batch, read once after its commit). */
    async versions(ids: readonly string[]): Promise<Map<string, number>> {
      return userVersions(prisma, accountId, ids);
    },

    /** A page of users matching `filter` (all when null), in `sort`'s order (oldest first without one), and how many match in all. */
    async list(
      filter: ScimUserFilter | null,
      skip: number,
      take: number,
      sort: ScimUserSort | null = null,
    ): Promise<{ total: number; users: UserRecord[] }> {
      return listUsersMatching(prisma, accountId, filter, skip, take, sort);
    },

    /** One group with its members, or null. */
    async getGroup(id: string): Promise<GroupWithMembers | null> {
      const group = await findGroupById(prisma, accountId, id);
      return group ? ((await withMembers([group]))[0] ?? null) : null;
    },

    /** A page of groups matching `filter` (all when null), in `sort`'s order (oldest first without one), with their members, and how many match in all. */
    async listGroups(
      filter: ScimGroupFilter | null,
      skip: number,
      take: number,
      sort: ScimGroupSort | null = null,
    ): Promise<{ total: number; groups: GroupWithMembers[] }> {
      const { total, groups } = await listGroupsMatching(prisma, accountId, filter, skip, take, sort);
      return { total, groups: await withMembers(groups) };
    },
  };

  async function withMembers(groups: Group[]): Promise<GroupWithMembers[]> {
    const explicitIds = groups.filter((g) => g.kind !== 'all_users').map((g) => g.id);
    const explicit = await membersOfGroups(prisma, explicitIds);
    const everyone = groups.some((g) => g.kind === 'all_users') ? await accountUserEmails(prisma, accountId) : [];
    return groups.map((group) => ({
      ...group,
      members: group.kind === 'all_users' ? everyone : explicit.filter((m) => m.groupId === group.id).map((m) => m.user),
    }));
  }
}
