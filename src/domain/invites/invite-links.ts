/**
 * Invite link tokens. A token is HMAC(link secret, nonce): only its hash and the nonce are
 * stored, so a database leak yields no usable link, yet a resend can send the same link again.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { hashToken } from '../secrets';

export interface IssuedLink {
  nonce: string;
  token: string;
  tokenHash: string;
}

export type InviteLinks = ReturnType<typeof createInviteLinks>;

export function createInviteLinks(deps: { secret: string; publicUrl: string }) {
  function tokenFor(nonce: string): string {
    return createHmac('sha256', deps.secret).update(`invite:${nonce}`).digest('base64url');
  }
  return {
    /** A fresh token (256 bits) with the nonce that re-derives it. */
    issue(): IssuedLink {
      const nonce = randomBytes(16).toString('base64url');
      const token = tokenFor(nonce);
      return { nonce, token, tokenHash: hashToken(token) };
    },
    tokenFor,
    /**
     * The token of a stored link again, or null when the link secret has changed since it was issued
     * (ROSTER_SECRET, or the Slack secret it is derived from, rotated): that link still opens, but it
     * can no longer be sent again.
     */
    rederive(invite: { tokenNonce: string; tokenHash: string }): string | null {
      const token = tokenFor(invite.tokenNonce);
      return hashToken(token) === invite.tokenHash ? token : null;
    },
    url(token: string): string {
      return `${deps.publicUrl}/invite/${token}`;
    },
  };
}
