/** Writes to an invite's link (Invite): a resend or reminder renews it after the link secret changed. */
import type { Db } from '../tx';

/**
 * Replaces the invite's link with a fresh one, only while its link is still `currentTokenHash`; true
 * when this call renewed it (of a resend and a reminder at once, one does).
 */
export async function renewInviteLink(
  db: Db,
  inviteId: string,
  currentTokenHash: string,
  fresh: { nonce: string; tokenHash: string },
): Promise<boolean> {
  const { count } = await db.invite.updateMany({
    where: { id: inviteId, tokenHash: currentTokenHash },
    data: { tokenNonce: fresh.nonce, tokenHash: fresh.tokenHash },
  });
  return count === 1;
}
