/** Writes a catalog switch makes to the account's roles and permissions. */
import type { Db } from '../tx';

/** Deletes the roles with these ids. */
export async function deleteRolesByIds(db: Db, roleIds: string[]): Promise<void> {
  await db.role.deleteMany({ where: { id: { in: roleIds } } });
}

/** Deletes the account's permissions with these keys. */
export async function deletePermissionsByKeys(db: Db, accountId: string, keys: string[]): Promise<void> {
  await db.permission.deleteMany({ where: { accountId, key: { in: keys } } });
}
