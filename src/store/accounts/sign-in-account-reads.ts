/** Accounts as the sign-in pages read them. */
import type { Db } from '../tx';

/** The account's name; throws when the account is gone. */
export async function accountNameOf(db: Db, accountId: string): Promise<string> {
  return (await db.account.findUniqueOrThrow({ where: { id: accountId }, select: { name: true } })).name;
}
