/** Dropping what is on its way to a user: credentials awaiting delivery and the e-mailed links that show one. */
import type { Db } from '../tx';

/** Deletes the user's credentials awaiting delivery. */
export async function deletePendingCredentialsOf(db: Db, userId: string): Promise<void> {
  await db.pendingCredential.deleteMany({ where: { userId } });
}

/** Deletes the user's secret reveals (links that would show a credential). */
export async function deleteSecretRevealsOf(db: Db, userId: string): Promise<void> {
  await db.secretReveal.deleteMany({ where: { userId } });
}
