/** Reading an account's built-in groups. */
import type { Group, GroupKind } from '../records';
import type { Db } from '../tx';

/** The account's group of kind `kind` (its first, for custom), or null when it has none. */
export function findGroupOfKind(db: Db, accountId: string, kind: GroupKind): Promise<Group | null> {
  return db.group.findFirst({ where: { accountId, kind } });
}
