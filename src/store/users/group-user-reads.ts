/** Reading users for the group list: how many users All Users has. */
import type { Db } from '../tx';

/** How many users the account has, in any status. */
export function countAccountUsers(db: Db, accountId: string): Promise<number> {
  return db.user.count({ where: { accountId } });
}
