/** Writes of the account's SCIM token for the change layer. */
import type { Db } from '../tx';

/** A SCIM token as stored: its visible prefix and the hash of the secret. */
export interface NewScimToken {
  prefix: string;
  tokenHash: string;
  createdById: string | null;
}

/** Deletes the account's SCIM token, if any, and stores `token` in its place. */
export async function replaceScimToken(db: Db, accountId: string, token: NewScimToken): Promise<void> {
  await db.scimToken.deleteMany({ where: { accountId } });
  await db.scimToken.create({ data: { accountId, ...token } });
}

/** Deletes the SCIM token with this id. */
export async function deleteScimTokenById(db: Db, id: string): Promise<void> {
  await db.scimToken.delete({ where: { id } });
}

/** Deletes the account's SCIM token with this hash; the number deleted (0 or 1). */
export async function deleteScimToken(db: Db, accountId: string, tokenHash: string): Promise<number> {
  const { count } = await db.scimToken.deleteMany({ where: { accountId, tokenHash } });
  return count;
}
