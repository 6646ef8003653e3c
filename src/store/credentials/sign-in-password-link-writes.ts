/** Writes to password links (PasswordLink): the change handlers that issue links call these in their transaction. */
import type { Db } from '../tx';

/** Deletes the user's unused password links. */
export async function deleteUnusedPasswordLinks(db: Db, userId: string): Promise<void> {
  await db.passwordLink.deleteMany({ where: { userId, usedAt: null } });
}

/** Deletes the user's unused password links that expired by `now`. */
export async function deleteExpiredPasswordLinks(db: Db, userId: string, now: Date): Promise<void> {
  await db.passwordLink.deleteMany({ where: { userId, usedAt: null, expiresAt: { lte: now } } });
}

/** Stores a password link by its token's hash. */
export async function createPasswordLink(
  db: Db,
  link: { accountId: string; userId: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db.passwordLink.create({ data: link });
}
