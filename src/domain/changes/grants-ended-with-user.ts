/**
 * A user's time-bound access ends with their own: disabling or revoking them (in Slack or by the identity
 * provider) ends every grant still in force, each audited `grant.ended` as any other end is.
 */
import { endGrantsOf } from '../../store/grants/grant-writes';
import type { AuditEntry } from '../audit/audit-service';
import { grantAccessLabel } from '../directory/user-view';
import type { ChangeContext } from './change-handler';

export async function endGrantsWithUser(
  context: ChangeContext,
  user: { id: string; email: string; name: string | null },
  reason: 'disabled' | 'revoked',
): Promise<AuditEntry[]> {
  const now = context.clock.now();
  const ended = await endGrantsOf(context.tx, user.id, { now, reason, by: context.actor.email });
  return ended.map((grant) => ({
    action: 'grant.ended',
    target: { id: user.id, email: user.email, name: user.name },
    before: { access: grantAccessLabel(grant), until: grant.endsAt.toISOString() },
    after: { access: grantAccessLabel(grant), ended: now.toISOString(), endReason: reason },
  }));
}
