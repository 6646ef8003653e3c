/** Reading the role catalog and the permissions it grants as extras. */
import type { Permission, Role } from '../records';
import type { Db } from '../tx';

/** The account's roles, highest precedence first. */
export function listRolesByPrecedence(db: Db, accountId: string): Promise<Role[]> {
  return db.role.findMany({ where: { accountId }, orderBy: { precedence: 'desc' } });
}

/** The keys of the account's roles, highest precedence first. */
export function listRoleKeys(db: Db, accountId: string): Promise<{ key: string }[]> {
  return db.role.findMany({ where: { accountId }, orderBy: { precedence: 'desc' }, select: { key: true } });
}

/** The account's role whose key is `text` lower-cased or whose name is `text` in any case; null when none. */
export function findRoleByKeyOrName(db: Db, accountId: string, text: string): Promise<Role | null> {
  return db.role.findFirst({
    where: { accountId, OR: [{ key: text.toLowerCase() }, { name: { equals: text, mode: 'insensitive' } }] },
  });
}

/** The account's permissions with these keys (unknown keys are left out). */
export function findPermissionsByKeys(db: Db, accountId: string, keys: string[]): Promise<Permission[]> {
  return db.permission.findMany({ where: { accountId, key: { in: keys } } });
}
