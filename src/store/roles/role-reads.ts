/**
 * Reading the role catalog and the permissions it grants as extras: roles by precedence, by key or
 * name, and what a catalog switch compares (the roles and permissions a new catalog lacks, what each
 * role grants).
 */
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

/** The account's role `key`; throws when the account has no such role. */
export function getRoleByKey(db: Db, accountId: string, key: string): Promise<Role> {
  return db.role.findUniqueOrThrow({ where: { accountId_key: { accountId, key } } });
}

/** A role the new catalog lacks, and how many people hold it. */
export interface RoleHeldCount {
  id: string;
  key: string;
  _count: { holders: number };
}

/** What a role grants, as a catalog switch compares it. */
export interface RoleGrants {
  id: string;
  key: string;
  permissions: string[];
  precedence: number;
}

/** The account's roles whose key is not among `keys`, with their holder counts, by key. */
export function findRolesOutside(db: Db, accountId: string, keys: string[]): Promise<RoleHeldCount[]> {
  return db.role.findMany({
    where: { accountId, key: { notIn: keys } },
    select: { id: true, key: true, _count: { select: { holders: true } } },
    orderBy: { key: 'asc' },
  });
}

/** Every role of the account: id, key, permissions and precedence. */
export function findRoleGrants(db: Db, accountId: string): Promise<RoleGrants[]> {
  return db.role.findMany({ where: { accountId }, select: { id: true, key: true, permissions: true, precedence: true } });
}

/** The keys of the account's permissions that are not among `keys`. */
export async function findPermissionKeysOutside(db: Db, accountId: string, keys: string[]): Promise<string[]> {
  const stale = await db.permission.findMany({ where: { accountId, key: { notIn: keys } }, select: { key: true } });
  return stale.map((p) => p.key);
}

/** The account's roles, highest precedence first, with the catalog version they were read at (one transaction). */
export async function listRolesWithCatalogVersion(db: Db, accountId: string): Promise<{ version: number; roles: Role[] }> {
  const account = await db.account.findUniqueOrThrow({ where: { id: accountId }, select: { catalogVersion: true } });
  return { version: account.catalogVersion, roles: await listRolesByPrecedence(db, accountId) };
}
