/** Invites as the router and a resend read them: by their link. */
import type { Db } from '../tx';

/** An invite's link as stored: its nonce and its token's hash. */
export interface InviteLinkRow {
  id: string;
  tokenNonce: string;
  tokenHash: string;
}

/** The account of the invite whose link token hashes to `tokenHash`; undefined when there is none. */
export async function accountOfInvite(db: Db, tokenHash: string): Promise<string | undefined> {
  return (await db.invite.findUnique({ where: { tokenHash }, select: { accountId: true } }))?.accountId;
}

/** The invite's current link; null when the invite is gone. */
export function findInviteLink(db: Db, inviteId: string): Promise<InviteLinkRow | null> {
  return db.invite.findUnique({ where: { id: inviteId }, select: { id: true, tokenNonce: true, tokenHash: true } });
}
