/** What the resend, re-invite and invite-link kinds answer (an invite's own is `InviteResult`, beside the invite form). */

import type { DeliveryOutcome } from '../delivery/delivery';

/** An invite sent again, or a new link delivered. */
export interface ResendResult {
  email: string;
  expiresAt: Date;
  delivery: DeliveryOutcome;
  /** A new link was issued (the previous one had lapsed, expired or been revoked). */
  fresh: boolean;
}

/** A new link for the admin to pass on. */
export interface NewLinkResult {
  email: string;
  link: string;
  expiresAt: Date;
}
