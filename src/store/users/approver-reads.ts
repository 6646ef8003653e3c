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
  const user = { accountId, status: 'active' as const, id: { notIn: options.except } };
  const holders = roleIds.length
    ? (
        await db.userRole.findMany({ where: { roleId: { in: roleIds }, user }, select: { user: { select: candidateSelect } } })
      ).map((row) => row.user)
    : [];
  const extras =
    !options.withRole && (await db.permission.count({ where: { accountId, key: APPROVE } })) > 0
      ? await db.user.findMany({ where: { ...user, extraPermissions: { has: APPROVE } }, select: candidateSelect })
      : [];
  const byId = new Map([...holders, ...extras].map((candidate) => [candidate.id, candidate]));
  return [...byId.values()];
}

/** The id and version of each of `userIds` that still exists. */
export function findUserVersions(db: Db, userIds: string[]): Promise<{ id: string; version: number }[]> {
  return db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, version: true } });
}

/** The address of user `id`; null when there is none. */
export function findUserEmail(db: Db, id: string): Promise<{ email: string } | null> {
  return db.user.findUnique({ where: { id }, select: { email: true } });
}
