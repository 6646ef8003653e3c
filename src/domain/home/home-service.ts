/** What App Home shows one viewer: seats, invites expiring soon, approvals waiting for them, recent changes. */
import type { PrismaClient } from '../../store/generated/client';
import { type Actor, can } from '../access/actor';
import type { ApprovalRequestView, ApprovalService } from '../approvals/approval-service';
import type { AuditEventView, AuditService } from '../audit/audit-service';
import { addHours, type Clock } from '../clock';
import type { DirectoryService, Seats } from '../directory/directory-service';
import { ADMIN_ROLE } from '../roles/catalog';

export interface HomeSummary {
  seats: Seats;
  expiringInvites: { email: string; expiresAt: Date }[];
  approvals: ApprovalRequestView[];
  recent: AuditEventView[];
  activeAdmins: number;
  canManage: boolean;
}

export type HomeService = ReturnType<typeof createHomeService>;

export function createHomeService(deps: {
  prisma: PrismaClient;
  accountId: string;
  clock: Clock;
  directory: DirectoryService;
  approvals: ApprovalService;
  audit: AuditService;
}) {
  const { prisma, accountId, clock } = deps;
  return {
    async summary(viewer: Actor): Promise<HomeSummary> {
      const now = clock.now();
      const canView = can(viewer, 'users:view');
      const [seats, expiring, approvals, recent, activeAdmins] = await Promise.all([
        deps.directory.seatUsage(),
        canView
          ? prisma.invite.findMany({
              where: { accountId, status: 'pending', expiresAt: { gt: now, lte: addHours(now, 24) } },
              orderBy: { expiresAt: 'asc' },
              take: 10,
              select: { expiresAt: true, user: { select: { email: true } } },
            })
          : [],
        can(viewer, 'approvals:approve') ? deps.approvals.pending(viewer) : [],
        can(viewer, 'audit:view') ? deps.audit.list(viewer, { limit: 8 }) : [],
        prisma.user.count({ where: { accountId, status: 'active', roles: { some: { role: { key: ADMIN_ROLE } } } } }),
      ]);
      return {
        seats,
        expiringInvites: expiring.map((i) => ({ email: i.user.email, expiresAt: i.expiresAt })),
        approvals: approvals.slice(0, 5),
        recent,
        activeAdmins,
        canManage: can(viewer, 'users:manage'),
      };
    },
  };
}
