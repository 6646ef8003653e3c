/** The users approvals read: who may approve, the versions a request pins, and a requester's address. */
import type { Prisma } from '../generated/client';
import type { Db } from '../tx';

/** An active user who might approve: addresses, and the roles and extra permissions that decide it. */
export type ApproverCandidate = Prisma.UserGetPayload<{
  select: {
    id: true;
    email: true;
    slackUserId: true;
    extraPermissions: true;
    roles: { select: { role: { select: { key: true; permissions: true; precedence: true; product: true } } } };
  };
}>;

/** The permission that lets its holder decide approval requests. */
const APPROVE = 'approvals:approve';

const candidateSelect = {
  id: true,
  email: true,
  slackUserId: true,
  extraPermissions: true,
  roles: { select: { role: { select: { key: true, permissions: true, precedence: true, product: true } } } },
} as const;

/**
 * The account's active users other than `except` who might approve, with their roles and extra
 * permissions (whether those roles are in force is the caller's to judge): the holders of a role that
 * grants `approvals:approve` (or every permission), found from the roles' side, and where the catalog
 * offers it as an extra permission, its holders. With `withRole`, only holders of the role of that key.
 * It costs the approvers, not the directory (App Home reads it after every command).
 */
export async function findApproverCandidates(
  db: Db,
  accountId: string,
  options: { except: string[]; withRole?: string },
): Promise<ApproverCandidate[]> {
  const roles = await db.role.findMany({
    where: { accountId, ...(options.withRole ? { key: options.withRole } : {}) },
    select: { id: true, permissions: true },
  });
  const roleIds = roles.filter((r) => r.permissions.includes('*') || r.permissions.includes(APPROVE)).map((r) => r.id);
  // From the roles' side (index UserRole(roleId)), each holder then checked by primary key. A join lets the
  // planner hash every user of the account when its statistics are stale, as right after a bulk load
  // (~0.4 s at 100 000 users, after every command).
  const holderIds = roleIds.length
    ? await db.$queryRaw<{ id: string }[]>`
        SELECT DISTINCT ur."userId" AS "id" FROM "UserRole" ur
        WHERE ur."roleId" = ANY(${roleIds}::text[]) AND NOT (ur."userId" = ANY(${options.except}::text[]))
          AND (SELECT u."accountId" = ${accountId} AND u."status" = 'active' FROM "User" u WHERE u."id" = ur."userId")`
    : [];
  const extraHolders =
    !options.withRole && (await db.permission.count({ where: { accountId, key: APPROVE } })) > 0
      ? await db.user.findMany({
          where: { accountId, status: 'active', id: { notIn: options.except }, extraPermissions: { has: APPROVE } },
          select: { id: true },
        })
      : [];
  const ids = [...new Set([...holderIds, ...extraHolders].map((row) => row.id))];
  if (ids.length === 0) return [];
  return db.user.findMany({ where: { id: { in: ids } }, select: candidateSelect });
}

/** The id and version of each of `userIds` that still exists. */
export function findUserVersions(db: Db, userIds: string[]): Promise<{ id: string; version: number }[]> {
  return db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, version: true } });
}

/** The address of user `id`; null when there is none. */
export function findUserEmail(db: Db, id: string): Promise<{ email: string } | null> {
  return db.user.findUnique({ where: { id }, select: { email: true } });
}
