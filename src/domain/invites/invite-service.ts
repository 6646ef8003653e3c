/**
 * What the invite form offers, and what an invite returns. Inviting itself is a change
 * (src/domain/changes/invite-changes.ts).
 */
import type { PrismaClient } from '../../store/generated/client';
import { type Actor, requirePermission } from '../access/actor';
import type { DeliveryOutcome } from '../delivery/delivery';

/** Who was invited (or re-invited) until when, and how each delivery went. */
export interface InviteResult {
  invited: { email: string; expiresAt: Date; reinvited: boolean }[];
  deliveries: DeliveryOutcome[];
}

export type InviteService = ReturnType<typeof createInviteService>;

/** Reads what the invite form needs. */
export function createInviteService(deps: { prisma: PrismaClient; accountId: string }) {
  const { prisma, accountId } = deps;
  return {
    /** What the invite form offers: roles, groups (not All Users), grantable extra permissions and partners. */
    async formOptions(actor: Actor) {
      requirePermission(actor, 'users:manage');
      const [roles, groups, permissions, partners] = await Promise.all([
        prisma.role.findMany({ where: { accountId }, orderBy: { precedence: 'desc' } }),
        prisma.group.findMany({
          where: { accountId, kind: { not: 'all_users' } },
          orderBy: { name: 'asc' },
          select: { name: true },
        }),
        prisma.permission.findMany({ where: { accountId }, orderBy: { key: 'asc' }, select: { key: true, description: true } }),
        prisma.partner.findMany({ where: { accountId }, orderBy: { nameKey: 'asc' }, select: { name: true } }),
      ]);
      return { roles, groups: groups.map((g) => g.name), permissions, partners: partners.map((p) => p.name) };
    },
  };
}
