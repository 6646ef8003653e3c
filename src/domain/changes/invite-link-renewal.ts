/**
 * The link a pending invite is sent again with (a resend, a reminder): the same link while it can be
 * re-derived, else, after the link secret changed, a fresh link for the same invite and expiry. A
 * message never carries a link that does not open; the old one stops working once its replacement is
 * on its way, as with any new link.
 */
import { fail } from '../../errors';
import { findInviteLink } from '../../store/invites/invite-reads';
import { renewInviteLink } from '../../store/invites/invite-writes';
import type { Db } from '../../store/tx';
import type { InviteLinks } from '../invites/invite-links';

interface StoredLink {
  id: string;
  tokenNonce: string;
  tokenHash: string;
}

export async function linkToResend(db: Db, links: InviteLinks, invite: StoredLink): Promise<string> {
  const same = links.rederive(invite);
  if (same) return same;
  const fresh = links.issue();
  // Conditional on the link read: a resend and a reminder renewing at once make one new link.
  if (await renewInviteLink(db, invite.id, invite.tokenHash, fresh)) return fresh.token;
  const renewed = await findInviteLink(db, invite.id);
  const token = renewed && links.rederive(renewed);
  if (!token) throw fail.conflict('That invite changed meanwhile. Send it again.');
  return token;
}
