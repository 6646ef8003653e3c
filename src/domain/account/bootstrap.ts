/**
 * First start and every start: the account, its role catalog, the built-in groups, and
 * (when the directory is empty) the owner. Safe when several replicas start at once.
 */

import { configErrorMessage, describeVariable } from '../../config';
import { ConfigError } from '../../errors';
import type { PrismaClient } from '../../store/generated/client';
import { systemActor } from '../access/actor';
import type { AuditService } from '../audit/audit-service';
import type { Clock } from '../clock';
import { ADMIN_ROLE, type Catalog } from '../roles/catalog';

export const ALL_USERS_GROUP = 'All Users';
export const DEFAULT_GROUP = 'Default';

export interface BootstrapResult {
  accountId: string;
  createdOwner: string | null;
}

/** Ensures the account exists and matches the catalog; creates the owner on an empty directory. */
export async function bootstrapAccount(deps: {
  prisma: PrismaClient;
  catalog: Catalog;
  ownerEmail?: string;
  clock: Clock;
  audit: (accountId: string) => AuditService;
}): Promise<BootstrapResult> {
  const { prisma, catalog, ownerEmail, clock } = deps;
  return prisma.$transaction(async (tx) => {
    // One bootstrap at a time across replicas; released when the transaction ends.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(7240001)`;
    const account =
      (await tx.account.findFirst({ orderBy: { createdAt: 'asc' } })) ??
      (await tx.account.create({ data: { name: 'Roster account' } }));
    const accountId = account.id;

    for (const role of catalog.roles) {
      const data = {
        name: role.name,
        description: role.description,
        precedence: role.precedence,
        permissions: role.permissions,
        product: role.product ?? null,
        scoped: role.scoped,
      };
      await tx.role.upsert({
        where: { accountId_key: { accountId, key: role.key } },
        create: { accountId, key: role.key, ...data },
        update: data,
      });
    }
    for (const permission of catalog.permissions) {
      const data = { description: permission.description, grantableTo: permission.grantableTo };
      await tx.permission.upsert({
        where: { accountId_key: { accountId, key: permission.key } },
        create: { accountId, key: permission.key, ...data },
        update: data,
      });
    }
    for (const kind of ['all_users', 'default'] as const) {
      const exists = await tx.group.findFirst({ where: { accountId, kind } });
      if (!exists) {
        await tx.group.create({ data: { accountId, kind, name: kind === 'all_users' ? ALL_USERS_GROUP : DEFAULT_GROUP } });
      }
    }

    if ((await tx.user.count({ where: { accountId } })) > 0) return { accountId, createdOwner: null };
    if (!ownerEmail) {
      throw new ConfigError(
        configErrorMessage([`${describeVariable('OWNER_EMAIL', 'missing')} The first start needs it to create the owner.`]),
      );
    }
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
