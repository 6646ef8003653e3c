/** The users approvals read: who may approve, the versions a request pins, and a requester's address. */
import type { Prisma } from '../generated/client';
import type { Db } from '../tx';

/** An active user who might approve: addresses, and the roles and extra permissions that decide it. */
export type ApproverCandidate = Prisma.UserGetPayload<{
  select: {
    email: true;
    slackUserId: true;
    extraPermissions: true;
    roles: { select: { role: { select: { key: true; permissions: true; precedence: true; product: true } } } };
  };
}>;

/**
 * The account's active users other than `except`, with their roles and extra permissions; with
 * `withRole`, only those holding the role of that key.
 */
export function findApproverCandidates(
  db: Db,
  accountId: string,
  options: { except: string[]; withRole?: string },
): Promise<ApproverCandidate[]> {
  return db.user.findMany({
    where: {
      accountId,
      status: 'active',
      id: { notIn: options.except },
      ...(options.withRole ? { roles: { some: { role: { key: options.withRole } } } } : {}),
    },
    select: {
      email: true,
      slackUserId: true,
      extraPermissions: true,
      roles: { select: { role: { select: { key: true, permissions: true, precedence: true, product: true } } } },
    },
  });
}

/** The id and version of each of `userIds` that still exists. */
export function findUserVersions(db: Db, userIds: string[]): Promise<{ id: string; version: number }[]> {
  return db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, version: true } });
}

/** The address of user `id`; null when there is none. */
export function findUserEmail(db: Db, id: string): Promise<{ email: string } | null> {
  return db.user.findUnique({ where: { id }, select: { email: true } });
}
