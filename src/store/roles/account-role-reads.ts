/** Reading an account's roles by key. */
import type { Role } from '../records';
import type { Db } from '../tx';

/** The account's role `key`; throws when the account has no such role. */
export function getRoleByKey(db: Db, accountId: string, key: string): Promise<Role> {
  return db.role.findUniqueOrThrow({ where: { accountId_key: { accountId, key } } });
}
