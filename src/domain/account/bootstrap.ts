/**
 * First start and every start: the account, its role catalog, the built-in groups, and
 * (when the directory is empty) the owner. Safe when several replicas start at once.
 */

import type { Account, PrismaClient } from '../../store/generated/client';
import { systemActor } from '../access/actor';
import type { AuditService } from '../audit/audit-service';
import type { Clock } from '../clock';
import { ADMIN_ROLE, type Catalog } from '../roles/catalog';
import { applyCatalog } from './apply-catalog';

export const ALL_USERS_GROUP = 'All Users';
export const DEFAULT_GROUP = 'Default';

export interface BootstrapResult {
  accountId: string;
  createdOwner: string | null;
}

/** Ensures the account exists and matches the catalog; creates the owner on an empty directory. */
export async function bootstrapAccount(deps: {
  prisma: PrismaClient;
  /** The catalog an account uses: the one its owner chose in Settings, else the deployment's. */
  catalogOf: (account: Account) => Catalog;
  ownerEmail?: string;
  /** The error for a first start without an owner's address: the caller knows where the address comes from. */
  ownerMissing: () => Error;
  clock: Clock;
  audit: (accountId: string) => AuditService;
}): Promise<BootstrapResult> {
  const { prisma, ownerEmail, clock } = deps;
  return prisma.$transaction(async (tx) => {
    // One bootstrap at a time across replicas; released when the transaction ends.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(7240001)`;
    const account =
      (await tx.account.findFirst({ orderBy: { createdAt: 'asc' } })) ??
      (await tx.account.create({ data: { name: 'Roster account' } }));
    const accountId = account.id;

    await applyCatalog(tx, accountId, deps.catalogOf(account));

    if ((await tx.user.count({ where: { accountId } })) > 0) return { accountId, createdOwner: null };
    if (!ownerEmail) throw deps.ownerMissing();
    const adminRole = await tx.role.findUniqueOrThrow({ where: { accountId_key: { accountId, key: ADMIN_ROLE } } });
    const owner = await tx.user.create({
      data: {
        accountId,
        email: ownerEmail,
        status: 'active',
        acceptedAt: clock.now(),
        roles: { create: { roleId: adminRole.id } },
      },
    });
    await tx.account.update({ where: { id: accountId }, data: { ownerId: owner.id } });
    await deps.audit(accountId).record(tx, systemActor('system'), {
      action: 'owner.created',
      target: { id: owner.id, email: owner.email },
      after: { status: 'active', roles: [ADMIN_ROLE], owner: true },
    });
    return { accountId, createdOwner: owner.email };
  });
}
