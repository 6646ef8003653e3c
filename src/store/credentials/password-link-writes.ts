/**
 * Writes to password links (PasswordLink): storing one by its token's hash, marking it used, and
 * deleting a user's links (all, the unused ones, or the unused expired ones). The change handlers
 * call these in their transaction.
 */
import type { Db } from '../tx';

/** Deletes every password link of the user. */
export async function deletePasswordLinks(db: Db, userId: string): Promise<void> {
  await db.passwordLink.deleteMany({ where: { userId } });
}

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

/** Marks the password link used at `now` if it is not used yet; the number of links marked (0 or 1). */
export async function markPasswordLinkUsed(db: Db, linkId: string, now: Date): Promise<number> {
  const used = await db.passwordLink.updateMany({ where: { id: linkId, usedAt: null }, data: { usedAt: now } });
  return used.count;
}
