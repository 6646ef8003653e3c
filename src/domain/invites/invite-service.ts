/**
 * What the invite form offers, and what an invite returns. Inviting itself is a change
 * (src/domain/changes/invite-changes.ts).
 */
import { inviteFormChoices } from '../../store/invites/invite-form-reads';
import type { Store } from '../../store/tx';
import { type Actor, requirePermission } from '../access/actor';
import type { DeliveryOutcome } from '../delivery/delivery';

/** Who was invited (or re-invited) until when, and how each delivery went. */
export interface InviteResult {
  invited: { email: string; expiresAt: Date; reinvited: boolean }[];
  deliveries: DeliveryOutcome[];
}

export type InviteService = ReturnType<typeof createInviteService>;

/** Reads what the invite form needs. */
export function createInviteService(deps: { prisma: Store; accountId: string }) {
  const { prisma, accountId } = deps;
  return {
    /** What the invite form offers: roles, groups (not All Users), grantable extra permissions and partners. */
    async formOptions(actor: Actor) {
      requirePermission(actor, 'users:manage');
      return inviteFormChoices(prisma, accountId);
    },
  };
}
