/** Writes of password links for SCIM changes. */
import type { Db } from '../tx';

/** Deletes the user's password links that were not used yet. */
export async function deleteUnusedPasswordLinks(db: Db, userId: string): Promise<void> {
  await db.passwordLink.deleteMany({ where: { userId, usedAt: null } });
}
