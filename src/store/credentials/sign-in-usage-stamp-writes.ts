/**
 * The usage stamps of a credential (an API key's or passcode's `lastUsedAt`): not changes to the
 * directory, so they carry no version and no audit.
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
