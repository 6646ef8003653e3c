/**
 * The one way a user changes: resolve them, lock the account, apply the change, bump their
 * version, check the directory's rules, and record before → after, all in one transaction.
 */
import type { Prisma, PrismaClient } from '../../store/generated/client';
import { lockAccount } from '../../store/tx';
import { type Actor, requirePermission } from '../access/actor';
import type { AuditService } from '../audit/audit-service';
import type { DirectoryService, UserRef } from '../directory/directory-service';
import { rolesByPrecedence, type UserRecord, userInclude } from '../directory/user-view';
import type { AdminPermission } from '../roles/permissions';
import { assertDirectoryRules } from './directory-rules';

/** The parts of a user an audit event compares. */
export function snapshot(user: UserRecord): Record<string, Prisma.InputJsonValue | null> {
  return {
    name: user.name,
    email: user.email,
    status: user.status,
    roles: rolesByPrecedence(user).map((role) => (role.scope ? `${role.key}=${role.scope}` : role.key)),
    perms: user.extraPermissions,
    groups: user.groups.map((m) => m.group.name).sort(),
    properties: Object.fromEntries(user.properties.map((p) => [p.key, p.value])),
    signIn: user.signInMethod,
  };
}

/** Only what differs between two snapshots, so the trail reads as the change itself. */
function diff(before: Record<string, unknown>, after: Record<string, unknown>) {
  const keys = Object.keys(after).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
  return {
    before: Object.fromEntries(keys.map((k) => [k, before[k]])) as Prisma.InputJsonValue,
    after: Object.fromEntries(keys.map((k) => [k, after[k]])) as Prisma.InputJsonValue,
  };
}

/** Options of a change. `dryRun` applies and checks it, then rolls it back: "would this succeed now?" */
export interface ChangeOptions {
  dryRun?: boolean;
}

/** Thrown inside a dry run's transaction to roll it back with the would-be result. */
class RolledBack<T> extends Error {
  constructor(readonly result: T) {
    super('dry run rolled back');
  }
}

/** Runs `work` in a transaction that is rolled back when `dryRun` is set, returning its result either way. */
export async function inTransaction<T>(
  prisma: PrismaClient,
  options: ChangeOptions,
  work: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  try {
    return await prisma.$transaction(async (tx) => {
      const result = await work(tx);
      if (options.dryRun) throw new RolledBack(result);
      return result;
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.result as T;
    throw error;
  }
}

export type UserChanger = ReturnType<typeof createUserChanger>;

export function createUserChanger(deps: {
  prisma: PrismaClient;
  accountId: string;
  audit: AuditService;
  directory: DirectoryService;
}) {
  const { prisma, accountId, audit } = deps;

  /** Applies `mutate` to one user under the rules; returns the user as they are afterwards. */
  async function change(
    actor: Actor,
    who: UserRef,
    permission: AdminPermission,
    action: string,
    mutate: (tx: Prisma.TransactionClient, user: UserRecord) => Promise<void>,
    options: ChangeOptions = {},
  ): Promise<UserRecord> {
    requirePermission(actor, permission);
    const found = 'id' in who ? { id: who.id } : await deps.directory.findUser(who);
    return inTransaction(prisma, options, async (tx) => {
      await lockAccount(tx, accountId);
      const user = await tx.user.findUniqueOrThrow({ where: { id: found.id }, include: userInclude });
      await mutate(tx, user);
      const updated = await tx.user.update({
        where: { id: user.id },
        data: { version: { increment: 1 } },
        include: userInclude,
      });
      await assertDirectoryRules(tx, accountId, [user.id]);
      await audit.record(tx, actor, {
        action,
        target: { id: user.id, email: updated.email, name: updated.name },
        ...diff(snapshot(user), snapshot(updated)),
      });
      return updated;
    });
  }

  return { change };
}
