/** Who holds a partner: the users with a scoped role carrying it (the writes are in partner-writes.ts). */
import type { Db } from '../tx';

/** A user holding a partner, by id and address. */
export interface PartnerHolder {
  id: string;
  email: string;
}

/** The users of the account who hold a scope of `nameKey`, by address. */
export async function findPartnerHolders(db: Db, accountId: string, nameKey: string): Promise<PartnerHolder[]> {
  return db.user.findMany({
    where: { accountId, roles: { some: { scopeKey: nameKey } } },
    select: { id: true, email: true },
    orderBy: { email: 'asc' },
  });
}
