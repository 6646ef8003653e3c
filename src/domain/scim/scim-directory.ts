/**
 * What the SCIM edge reads: whether a bearer token is the account's SCIM token, and provisioned
 * users by id or by a query the edge built from a SCIM filter (run in the database, paged).
 */
import type { Prisma, PrismaClient } from '../../store/generated/client';
import { type UserRecord, userInclude } from '../directory/user-view';
import { hashToken } from '../secrets';

export type ScimDirectory = ReturnType<typeof createScimDirectory>;

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
  };
}
