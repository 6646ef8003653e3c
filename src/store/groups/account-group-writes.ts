/** Writing an account's built-in groups. */
import type { GroupKind } from '../records';
import type { Db } from '../tx';

/** Creates the account's group `name` of kind `kind`. */
export async function createGroupOfKind(db: Db, accountId: string, kind: GroupKind, name: string): Promise<void> {
  await db.group.create({ data: { accountId, kind, name } });
}
