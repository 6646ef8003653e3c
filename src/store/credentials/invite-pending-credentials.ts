/** Claiming a delivered pending credential, and ending the reveal links older secrets were sent with. */
import type { Db } from '../tx';

/** Deletes the pending credential, so that one delivery alone switches it on; the number deleted (0 or 1). */
export async function claimPendingCredential(db: Db, id: string): Promise<number> {
  const claimed = await db.pendingCredential.deleteMany({ where: { id } });
  return claimed.count;
}

/** Deletes the user's reveal links for secrets of `kind`, all but `keep` when it is given. */
export async function deleteRevealsOfKind(db: Db, userId: string, kind: string, keep?: string): Promise<void> {
  await db.secretReveal.deleteMany({ where: { userId, kind, ...(keep ? { id: { not: keep } } : {}) } });
}
