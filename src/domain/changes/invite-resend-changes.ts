/** The kinds that get one existing invitee a link: resend, invite-link and reinvite. */

import type { ChangeHandler } from './change-handler';
import { issueNewLink } from './invite-new-link';
import { sendInvite } from './invite-resend';
import type { NewLinkResult, ResendResult } from './invite-results';
import { findUser } from './user-change';

/** `/users resend` and the card's Resend invite / Re-invite: the same link while valid, else a fresh one. */
export const resend: ChangeHandler<'resend', ResendResult> = {
  permissions: () => ['users:manage'],
  async apply(context, change) {
    const user = await findUser(context, change.user);
    const sent = await sendInvite(context, user);
    return {
      ...sent,
      stored: { ...change, user: { id: user.id } },
      summary: sent.result.fresh ? `Re-invite ${user.email} with a new link.` : `Send ${user.email} their invite again.`,
      outcome: sent.result.fresh ? `Re-invited ${user.email}.` : `Sent ${user.email} their invite again.`,
    };
  },
};

/** Issues a new link (the old one stops working) for the admin to pass on; nothing is sent. */
export const inviteLink: ChangeHandler<'invite-link', NewLinkResult> = {
  permissions: () => ['users:manage'],
  async apply(context, change) {
    const user = await findUser(context, change.user);
    const { url, expiresAt, note: _note, ...issued } = await issueNewLink(context, user);
    return {
      ...issued,
      result: { email: user.email, link: url, expiresAt },
      stored: { ...change, user: { id: user.id } },
      summary: `A new invite link for ${user.email}.`,
      outcome: `New invite link issued for ${user.email}.`,
    };
  },
};

/**
 * The Re-invite button (expiry digest, App Home): as `resend`, so a second click, or one after
 * another admin re-invited, sends the live link again instead of killing the one just delivered.
 */
export const reinvite: ChangeHandler<'reinvite', ResendResult> = {
  permissions: () => ['users:manage'],
  async apply(context, change) {
    const user = await findUser(context, change.user);
    const sent = await sendInvite(context, user);
    return {
      ...sent,
      stored: { ...change, user: { id: user.id } },
      summary: `Re-invite ${user.email}.`,
      outcome: sent.result.fresh ? `Re-invited ${user.email}.` : `Sent ${user.email} their invite again.`,
    };
  },
};
