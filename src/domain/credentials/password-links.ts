/**
 * Password links as stored: a random token of which only the SHA-256 is kept, single-use, with an
 * expiry. Admins issue them through the change layer; users ask for one on the forgot-password page.
 */
import type { Prisma } from '../../store/generated/client';
import { addHours } from '../clock';
import { hashToken, randomToken } from '../secrets';

/** Stores a new link for the user (their unused older links stop working) and returns its token. */
export async function storePasswordLink(
  tx: Prisma.TransactionClient,
  link: { accountId: string; userId: string; now: Date; ttlHours: number },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = addHours(link.now, link.ttlHours);
  await tx.passwordLink.deleteMany({ where: { userId: link.userId, usedAt: null } });
  await tx.passwordLink.create({
    data: { accountId: link.accountId, userId: link.userId, tokenHash: hashToken(token), expiresAt },
  });
  return { token, expiresAt };
}

/** The page a password link opens. */
export function passwordLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/password/${token}`;
}
