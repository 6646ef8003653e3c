/** Reading the account's roles and permissions inside a change. */
import type { Role } from '../records';
import type { Db } from '../tx';

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

/** The account's role with this key; throws when there is none. */
export function findRoleByKey(db: Db, accountId: string, key: string): Promise<Role> {
  return db.role.findFirstOrThrow({ where: { accountId, key } });
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
