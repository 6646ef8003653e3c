/** The account's list of partners, as a change reads and adds to it. */
import type { Partner } from '../records';
import type { Db } from '../tx';

/** The account's partner whose lower-cased name is `nameKey`; null when there is none. */
export function findPartnerByKey(db: Db, accountId: string, nameKey: string): Promise<Partner | null> {
  return db.partner.findUnique({ where: { accountId_nameKey: { accountId, nameKey } } });
}

/** Adds a partner to the account's list. */
export async function createPartner(db: Db, accountId: string, name: string, nameKey: string): Promise<void> {
  await db.partner.create({ data: { accountId, name, nameKey } });
}
