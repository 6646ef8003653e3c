/**
 * What an invite tells the change layer to weigh and record: the admin-plane power each invitee
 * gains (for the approval policy) and one audit entry per invitee.
 */

import type { AuditEntry } from '../audit/audit-service';
import { addedAdminPower, adminPowerOf } from '../roles/admin-power';
import { holdingsInForce } from '../roles/precedence';
import { holdingLabel } from '../roles/role-grants';
import type { ChangeContext, PowerGain } from './change-handler';
import type { InviteBatch } from './invite-batch';

/** Each invitee's admin-plane power: an invitee starts with none (a revoked or expired user holds none), so all of it is a gain. */
export function inviteGains(context: ChangeContext, batch: InviteBatch): PowerGain[] {
  return batch.planned.flatMap((row) => {
    const added = addedAdminPower(
      new Set(),
      adminPowerOf(
        holdingsInForce(row.grants, context.multipleRoles).effective.map((g) => g.role),
        batch.perms,
      ),
    );
    return added.length > 0 ? [{ userId: batch.idOf(row.email), email: row.email, added }] : [];
  });
}

/** `user.invited`, or `user.reinvited` with the status they came back from, with what they were given. */
export function inviteAudit(batch: InviteBatch): AuditEntry[] {
  return batch.planned.map((row) => {
    const previous = batch.reinvited.get(row.email);
    return {
      action: previous ? 'user.reinvited' : 'user.invited',
      target: { id: batch.idOf(row.email), email: row.email },
      before: previous ? { status: previous.status } : undefined,
      after: {
        status: 'invited',
        roles: row.grants.map(holdingLabel),
        groups: row.groups.map((group) => group.name),
        perms: batch.perms,
        expiresAt: batch.expiresAt.toISOString(),
      },
    };
  });
}
