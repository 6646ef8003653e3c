/** Brings an account's roles, permissions and built-in groups in line with a role catalog (idempotent). */
import type { Db } from '../../store/tx';
import type { Catalog } from '../roles/catalog';
import { ALL_USERS_GROUP, DEFAULT_GROUP } from './bootstrap';

export async function applyCatalog(tx: Db, accountId: string, catalog: Catalog): Promise<void> {
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
}
