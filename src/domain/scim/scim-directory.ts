/**
 * What the SCIM edge reads: whether a bearer token is the account's SCIM token, and provisioned
 * users by id or by a query the edge built from a SCIM filter (run in the database, paged).
 */
import type { Group, Prisma, PrismaClient } from '../../store/generated/client';
import { type UserRecord, userInclude } from '../directory/user-view';
import { hashToken } from '../secrets';

export type ScimDirectory = ReturnType<typeof createScimDirectory>;

/** A group with its members (every user for All Users, whose membership is implicit). */
export type GroupWithMembers = Group & { members: Array<{ id: string; email: string }> };

export function createScimDirectory(deps: { prisma: PrismaClient; accountId: string }) {
  const { prisma, accountId } = deps;
  return {
    /** Whether `token` is the account's current SCIM token (compared by its SHA-256). */
    async verifyToken(token: string): Promise<boolean> {
      const found = await prisma.scimToken.findUnique({ where: { tokenHash: hashToken(token) } });
      return found?.accountId === accountId;
    },

    /** One user by id, or null. */
    async get(id: string): Promise<UserRecord | null> {
      return prisma.user.findFirst({ where: { accountId, id }, include: userInclude });
    },

    /** A page of users matching `where`, oldest first, and how many match in all. */
    async list(where: Prisma.UserWhereInput, skip: number, take: number): Promise<{ total: number; users: UserRecord[] }> {
      const scoped: Prisma.UserWhereInput = { AND: [{ accountId }, where] };
      const [total, users] = await Promise.all([
        prisma.user.count({ where: scoped }),
        take > 0
          ? prisma.user.findMany({
              where: scoped,
              include: userInclude,
              orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
              skip,
              take,
            })
          : Promise.resolve([]),
      ]);
      return { total, users };
    },

    /** One group with its members, or null. */
    async getGroup(id: string): Promise<GroupWithMembers | null> {
      const group = await prisma.group.findFirst({ where: { accountId, id } });
      return group ? ((await withMembers([group]))[0] ?? null) : null;
    },

    /** A page of groups matching `where`, oldest first, with their members, and how many match in all. */
    async listGroups(
      where: Prisma.GroupWhereInput,
      skip: number,
      take: number,
    ): Promise<{ total: number; groups: GroupWithMembers[] }> {
      const scoped: Prisma.GroupWhereInput = { AND: [{ accountId }, where] };
      const [total, groups] = await Promise.all([
        prisma.group.count({ where: scoped }),
        take > 0 ? prisma.group.findMany({ where: scoped, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], skip, take }) : [],
      ]);
      return { total, groups: await withMembers(groups) };
    },
  };

  async function withMembers(groups: Group[]): Promise<GroupWithMembers[]> {
    const explicit = await prisma.groupMembership.findMany({
      where: { groupId: { in: groups.filter((g) => g.kind !== 'all_users').map((g) => g.id) } },
      select: { groupId: true, user: { select: { id: true, email: true } } },
      orderBy: { user: { email: 'asc' } },
    });
    const everyone = groups.some((g) => g.kind === 'all_users')
      ? await prisma.user.findMany({ where: { accountId }, select: { id: true, email: true }, orderBy: { email: 'asc' } })
      : [];
    return groups.map((group) => ({
      ...group,
      members: group.kind === 'all_users' ? everyone : explicit.filter((m) => m.groupId === group.id).map((m) => m.user),
    }));
  }
}
