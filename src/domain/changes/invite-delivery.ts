/** Sending an invite's links by DM and e-mail, after the commit. */

import { sendAll } from '../delivery/delivery';
import type { IssuedLink } from '../invites/invite-links';
import type { InviteResult } from '../invites/invite-service';
import type { ChangeContext } from './change-handler';
import type { InviteBatch } from './invite-batch';

/** The `deliver` step of an invite: every invitee's link, from the acting admin, with the invite's note. */
export function deliverInvites(context: ChangeContext, batch: InviteBatch): (result: InviteResult) => Promise<InviteResult> {
  const { emails, expiresAt, note } = batch;
  const fromName = context.actor.name ?? context.actor.email;
  // The roles as the invite page names them: the role's name, and its scope where it has one.
  const rolesOf = (email: string) =>
    (batch.planned.find((row) => row.email === email)?.grants ?? []).map((g) =>
      g.scope ? `${g.role.name} (${g.scope})` : g.role.name,
    );
  return async (result) => ({
    ...result,
    deliveries: await sendAll(
      context.delivery,
      emails.map((email) => ({
        kind: 'invite' as const,
        email,
        link: context.links.url((batch.issued.get(email) as IssuedLink).token),
        expiresAt,
        fromName,
        note,
        roles: rolesOf(email),
        replyTo: context.actor.email,
      })),
    ),
  });
}
