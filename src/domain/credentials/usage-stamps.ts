/**
 * The usage stamps of a sign-in (an API key's or passcode's `lastUsedAt`, a user's `lastLoginAt`):
 * not changes to the directory, so they carry no version and no audit, and are written here directly
 * rather than through the change layer.
 */
import type { PrismaClient } from '../../store/generated/client';

/** Notes when an API key was last used. */
export async function stampApiKeyUse(prisma: PrismaClient, id: string, at: Date): Promise<void> {
  await prisma.apiKey.update({ where: { id }, data: { lastUsedAt: at } });
}

/** Notes when a passcode was last used. */
export async function stampPasscodeUse(prisma: PrismaClient, id: string, at: Date): Promise<void> {
  await prisma.passcode.update({ where: { id }, data: { lastUsedAt: at } });
}

/** Notes when a user last signed in with a password. */
export async function stampLogin(prisma: PrismaClient, userId: string, at: Date): Promise<void> {
  await prisma.user.update({ where: { id: userId }, data: { lastLoginAt: at } });
}
