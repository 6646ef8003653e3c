/** Writes of SCIM tokens for the change layer. */
import type { Db } from '../tx';

/** Deletes the account's SCIM token with this hash; the number deleted (0 or 1). */
export async function deleteScimToken(db: Db, accountId: string, tokenHash: string): Promise<number> {
  const { count } = await db.scimToken.deleteMany({ where: { accountId, tokenHash } });
  return count;
}
