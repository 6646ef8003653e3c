/**
 * Inviting people: 1–50 addresses validated all-or-nothing, seats checked under the account lock,
 * one random link each (stored as a hash), delivered after the commit; resends, new links and
 * re-invites. The roles and extra permissions an invite grants need what granting them later needs.
 * The steps live in the `invite-*.ts` files beside this one; this module is what the handler table imports.
 */

import type { InviteResult } from '../invites/invite-service';
import type { ChangeHandler } from './change-handler';
import { invitePermissions } from './invite-access';
import { checkAddresses, checkInviteSize, findReinvites, refuseProblems, rowsOf } from './invite-addresses';
import { inviteAudit, inviteGains } from './invite-audit';
import { inviteBatch, issueLinks } from './invite-batch';
import { deliverInvites } from './invite-delivery';
import { describeRows, planRows } from './invite-plan';
import { writeInvitees, writeInvites } from './invite-writes';

export { MAX_INVITEES } from './invite-addresses';
export { INVITABLE_STATUSES } from './invite-new-link';
export { inviteLink, reinvite, resend } from './invite-resend-changes';
export type { NewLinkResult, ResendResult } from './invite-results';

/** Invites every address or none; reports each problem address and why. */
export const invite: ChangeHandler<'invite', InviteResult> = {
  permissions: invitePermissions,
  async apply(context, change) {
    const entries = rowsOf(change);
    checkInviteSize(entries);
    const { rows, problems } = checkAddresses(entries);
    const plan = await planRows(context, change, rows, problems);
    const emails = rows.map((row) => row.email);
    const links = issueLinks(context, emails);
    const reinvites = await findReinvites(context, emails, problems);
    refuseProblems(problems);

    const batch = inviteBatch(change, emails, plan, links, reinvites);
    await writeInvitees(context, batch);
    await writeInvites(context, batch);
    const { perms, expiresAt } = batch;
    return {
      result: { invited: emails.map((email) => ({ email, expiresAt, reinvited: batch.reinvited.has(email) })), deliveries: [] },
      stored: change,
      summary: `Invite ${describeRows(batch.planned)}${perms.length > 0 ? `, with ${perms.join(', ')}` : ''}.`,
      outcome: `Invited ${emails.join(', ')}.`,
      touched: reinvites.map((u) => u.id),
      targets: reinvites.map((u) => u.id),
      gains: inviteGains(context, batch),
      facts: { users: emails.length },
      audit: inviteAudit(batch),
      deliver: deliverInvites(context, batch),
    };
  },
};
