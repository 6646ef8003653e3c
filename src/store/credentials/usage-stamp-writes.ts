/**
 * The usage stamps of a sign-in: an API key's or passcode's `lastUsedAt` and a user's `lastLoginAt`.
 * They are not changes to the directory, so they carry no version and no audit.
 */
import type { Db } from '../tx';

/** Notes when an API key was last used. */
export async function setApiKeyLastUsed(db: Db, id: string, at: Date): Promise<void> {
  await db.apiKey.update({ where: { id }, data: { lastUsedAt: at } });
}

/** Notes when a passcode was last used. */
export async function setPasscodeLastUsed(db: Db, id: string, at: Date): Promise<void> {
  await db.passcode.update({ where: { id }, data: { lastUsedAt: at } });
}

/** Notes when a user last signed in with a password. */
export async function setUserLastLogin(db: Db, userId: string, at: Date): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { lastLoginAt: at } });
}
