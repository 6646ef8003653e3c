/** The login stamp of a user (`lastLoginAt`): not a change to the directory, so no version and no audit. */
import type { Db } from '../tx';

/** Notes when a user last signed in with a password. */
export async function setUserLastLogin(db: Db, userId: string, at: Date): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { lastLoginAt: at } });
}
