/** SCIM tokens as the router reads them: which account a bearer token belongs to. */
import type { Db } from '../tx';

/** The account whose SCIM token has this hash; undefined when none has. */
export async function accountOfScimToken(db: Db, tokenHash: string): Promise<string | undefined> {
  return (await db.scimToken.findUnique({ where: { tokenHash }, select: { accountId: true } }))?.accountId;
}
