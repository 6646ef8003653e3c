/** Sending one user their invite again: the live link while it lasts, else a fresh one. */

import { findLatestPendingInvite } from '../../store/invites/invite-reads';
import { stampInviteResent } from '../../store/invites/invite-writes';
import type { UserRecord } from '../../store/users/user-reads';
import type { DeliveryOutcome } from '../delivery/delivery';
import { sendAll } from '../delivery/delivery';
import type { Applied, ChangeContext } from './change-handler';
import { linkToResend } from './invite-link-renewal';
import { assertInvitable, issueNewLink } from './invite-new-link';
import type { ResendResult } from './invite-results';

/**
 * Gets `user` a working invite by DM and e-mail: the same link again while it is still valid,
 * otherwise (lapsed, expired, revoked) a fresh one with a new expiry, the old link staying dead.
 */
export async function sendInvite(context: ChangeContext, user: UserRecord) {
  const { tx, actor, links } = context;
  assertInvitable(user);
  const now = context.clock.now();
  const pending = user.status === 'invited' ? await findLatestPendingInvite(tx, user.id) : null;
  let sent: Pick<Applied<ResendResult>, 'touched' | 'targets' | 'gains' | 'facts' | 'audit'>;
  let link: { url: string; expiresAt: Date; note: string | null; fresh: boolean };
  if (pending && pending.expiresAt > now) {
    await stampInviteResent(tx, pending.id, now);
    const token = await linkToResend(tx, links, pending);
    link = { url: links.url(token), expiresAt: pending.expiresAt, note: pending.note, fresh: false };
    sent = {
      touched: [],
      targets: [user.id],
      gains: [],
      facts: { users: 1 },
      audit: [{ action: 'invite.resent', target: { id: user.id, email: user.email, name: user.name } }],
    };
  } else {
    const { url, expiresAt, note, ...rest } = await issueNewLink(context, user);
    link = { url, expiresAt, note, fresh: true };
    sent = rest;
  }
  const undelivered: DeliveryOutcome = { email: user.email, slack: 'failed', mail: 'failed', problems: [] };
  const result: ResendResult = { email: user.email, expiresAt: link.expiresAt, delivery: undelivered, fresh: link.fresh };
  return {
    ...sent,
    result,
    deliver: async (result: ResendResult) => {
      const [delivery] = await sendAll(context.delivery, [
        {
          kind: 'invite',
          email: user.email,
          name: user.name,
          link: link.url,
          expiresAt: link.expiresAt,
          fromName: actor.name ?? actor.email,
          note: link.note,
          roles: user.roles.map((held) => (held.scope ? `${held.role.name} (${held.scope})` : held.role.name)),
          replyTo: actor.email,
        },
      ]);
      return { ...result, delivery: delivery as DeliveryOutcome };
    },
  };
}
