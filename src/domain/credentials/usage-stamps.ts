/**
 * The usage stamps of a sign-in (an API key's or passcode's `lastUsedAt`, a user's `lastLoginAt`):
 * not changes to the directory, so they carry no version and no audit, and are written straight to
 * the store rather than through the change layer.
 */
import { setApiKeyLastUsed, setPasscodeLastUsed, setUserLastLogin } from '../../store/credentials/usage-stamp-writes';
import type { Store } from '../../store/tx';

/** Notes when an API key was last used. */
export async function stampApiKeyUse(prisma: Store, id: string, at: Date): Promise<void> {
  await setApiKeyLastUsed(prisma, id, at);
}

/** Notes when a passcode was last used. */
export async function stampPasscodeUse(prisma: Store, id: string, at: Date): Promise<void> {
  await setPasscodeLastUsed(prisma, id, at);
}

/** Notes when a user last signed in with a password. */
export async function stampLogin(prisma: Store, userId: string, at: Date): Promise<void> {
  await setUserLastLogin(prisma, userId, at);
}
