/** Reading the account's SCIM token. */
import type { ScimToken } from '../records';
import type { Db } from '../tx';

/** The account's SCIM token; null when it has none. */
export function findAccountScimToken(db: Db, accountId: string): Promise<ScimToken | null> {
  return db.scimToken.findUnique({ where: { accountId } });
}

/** The SCIM token with this hash (of any account); null when there is none. */
export function findScimTokenByHash(db: Db, tokenHash: string): Promise<ScimToken | null> {
  return db.scimToken.findUnique({ where: { tokenHash } });
}
