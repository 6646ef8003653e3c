/**
 * Writing an account's role catalog: its roles and its grantable permissions, created or brought up
 * to date by key, and those a catalog switch drops.
 */
import type { Permission, Role } from '../records';
import type { Db } from '../tx';

/** What the catalog says of a role. */
export type RoleFields = Pick<Role, 'name' | 'description' | 'precedence' | 'permissions' | 'product' | 'scoped'>;

/** What the catalog says of a permission granted as an extra. */
export type PermissionFields = Pick<Permission, 'description' | 'grantableTo'>;

/** Creates the account's role `key`, or updates it to `fields`. */
export async function upsertRole(db: Db, accountId: string, key: string, fields: RoleFields): Promise<void> {
  await db.role.upsert({
    where: { accountId_key: { accountId, key } },
    create: { accountId, key, ...fields },
    update: fields,
  });
}

/** Creates the account's permission `key`, or updates it to `fields`. */
export async function upsertPermission(db: Db, accountId: string, key: string, fields: PermissionFields): Promise<void> {
  await db.permission.upsert({
    where: { accountId_key: { accountId, key } },
    create: { accountId, key, ...fields },
    update: fields,
  });
}

/** Deletes the roles with these ids. */
export async function deleteRolesByIds(db: Db, roleIds: string[]): Promise<void> {
  await db.role.deleteMany({ where: { id: { in: roleIds } } });
}

/** Deletes the account's permissions with these keys. */
export async function deletePermissionsByKeys(db: Db, accountId: string, keys: string[]): Promise<void> {
  await db.permission.deleteMany({ where: { accountId, key: { in: keys } } });
}
