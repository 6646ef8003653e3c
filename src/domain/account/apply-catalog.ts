/** Brings an account's roles, permissions and built-in groups in line with a role catalog (idempotent). */

import { findGroupOfKind } from '../../store/groups/group-reads';
import { createGroupOfKind } from '../../store/groups/group-writes';
import { upsertPermission, upsertRole } from '../../store/roles/catalog-writes';
import type { Db } from '../../store/tx';
import type { Catalog } from '../roles/catalog';
import { ALL_USERS_GROUP, DEFAULT_GROUP } from './bootstrap';

export async function applyCatalog(tx: Db, accountId: string, catalog: Catalog): Promise<void> {
  for (const role of catalog.roles) {
    await upsertRole(tx, accountId, role.key, {
      name: role.name,
      description: role.description,
      precedence: role.precedence,
      permissions: role.permissions,
      product: role.product ?? null,
      scoped: role.scoped,
    });
  }
  for (const permission of catalog.permissions) {
    await upsertPermission(tx, accountId, permission.key, {
      description: permission.description,
      grantableTo: permission.grantableTo,
    });
  }
  for (const kind of ['all_users', 'default'] as const) {
    const exists = await findGroupOfKind(tx, accountId, kind);
    if (!exists) await createGroupOfKind(tx, accountId, kind, kind === 'all_users' ? ALL_USERS_GROUP : DEFAULT_GROUP);
  }
}
