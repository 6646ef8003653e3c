/**
 * Password links as stored: a random token of which only the SHA-256 is kept, single-use, with an
 * expiry. Admins issue them through the change layer; users ask for one on the forgot-password page.
 */

import { countUnusedPasswordLinks } from '../../store/credentials/credential-reads';
import {
  createPasswordLink,
  deleteExpiredPasswordLinks,
  deleteUnusedPasswordLinks,
} from '../../store/credentials/password-link-writes';
import type { Tx } from '../../store/tx';
import { lockUser } from '../../store/users/sign-in-user-reads';
import { addHours } from '../clock';
import { hashToken, randomToken } from '../secrets';

/**
 * At most this many links of one user are live at once through the forgot-password page: a request
 * never ends a live link (anyone may ask for anyone's address), and past this it sends nothing new.
 */
export const LIVE_PASSWORD_LINKS = 3;

/** Stores a new link for the user (their unused older links stop working) and returns its token. */
export async function storePasswordLink(
  tx: Tx,
  link: { accountId: string; userId: string; now: Date; ttlHours: number },
): Promise<{ token: string; expiresAt: Date }> {
  await deleteUnusedPasswordLinks(tx, link.userId);
  return createLink(tx, link);
}

/**
 * Adds a link for the user beside their live ones, which keep working; null when they already have
 * `LIVE_PASSWORD_LINKS` live links (those went to the same address, so the holder has one). Locks the
 * user's row, so that requests at once on several replicas cannot go past the cap.
 */
export async function addPasswordLink(
  tx: Tx,
  link: { accountId: string; userId: string; now: Date; ttlHours: number },
): Promise<{ token: string; expiresAt: Date } | null> {
  await lockUser(tx, link.userId);
  await deleteExpiredPasswordLinks(tx, link.userId, link.now);
  const live = await countUnusedPasswordLinks(tx, link.userId);
  if (live >= LIVE_PASSWORD_LINKS) return null;
  return createLink(tx, link);
}

async function createLink(
  tx: Tx,
  link: { accountId: string; userId: string; now: Date; ttlHours: number },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = addHours(link.now, link.ttlHours);
  await createPasswordLink(tx, { accountId: link.accountId, userId: link.userId, tokenHash: hashToken(token), expiresAt });
  return { token, expiresAt };
}

/** The page a password link opens. */
export function passwordLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/password/${token}`;
}
