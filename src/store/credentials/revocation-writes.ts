/** Writes a revocation makes to a user's credentials in the directory: deleting their API key, revoking their passcode. */
import type { Db } from '../tx';

/** Deletes the user's API key. */
export async function deleteApiKeysOf(db: Db, userId: string): Promise<void> {
  await db.apiKey.deleteMany({ where: { userId } });
}

/** Marks the user's passcode revoked. */
export async function revokePasscodesOf(db: Db, userId: string): Promise<void> {
  await db.passcode.updateMany({ where: { userId }, data: { status: 'revoked' } });
}
