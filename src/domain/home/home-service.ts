/**
 * What App Home shows one viewer: seats, invites expiring soon, invites that expired lately (to
 * re-invite), approvals waiting for them, recent changes.
 */
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
  /** Users still `expired` whose invite lapsed in the last `RECENTLY_EXPIRED_DAYS`, latest first. */
  expiredInvites: { email: string; expiredAt: Date }[];
  approvals: ApprovalRequestView[];
  recent: AuditEventView[];
  activeAdmins: number;
  canManage: boolean;
  /** Whether the viewer owns the account (and so sees the Settings button). */
  isOwner: boolean;
  /** How the account is named outside Slack (API sign-in) and in it. */
  account: { slug: string | null; teamId: string | null };
}

/** How far back App Home looks for expired invites, and how many it lists. */
export const RECENTLY_EXPIRED_DAYS = 14;
export const RECENTLY_EXPIRED_MAX = 10;

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

  /** A user re-invited and expired again has several expired invites: the latest counts. */
  async function recentlyExpired(now: Date): Promise<HomeSummary['expiredInvites']> {
    const latest = await prisma.invite.groupBy({
      by: ['userId'],
      where: {
        accountId,
        status: 'expired',
        expiresAt: { gte: addHours(now, -24 * RECENTLY_EXPIRED_DAYS), lte: now },
        user: { status: 'expired' },
      },
      _max: { expiresAt: true },
      orderBy: { _max: { expiresAt: 'desc' } },
      take: RECENTLY_EXPIRED_MAX,
    });
    const users = await prisma.user.findMany({
      where: { id: { in: latest.map((row) => row.userId) } },
      select: { id: true, email: true },
    });
    const emails = new Map(users.map((user) => [user.id, user.email]));
    return latest.flatMap((row) => {
      const email = emails.get(row.userId);
      return email && row._max.expiresAt ? [{ email, expiredAt: row._max.expiresAt }] : [];
    });
  }

  return {
    async summary(viewer: Actor): Promise<HomeSummary> {
      const now = clock.now();
      const canView = can(viewer, 'users:view');
      const [seats, expiring, expired, approvals, recent, activeAdmins, account] = await Promise.all([
        deps.directory.seatUsage(),
        canView
          ? prisma.invite.findMany({
              where: { accountId, status: 'pending', expiresAt: { gt: now, lte: addHours(now, 24) } },
              orderBy: { expiresAt: 'asc' },
              take: 10,
              select: { expiresAt: true, user: { select: { email: true } } },
            })
          : [],
        canView ? recentlyExpired(now) : [],
        can(viewer, 'approvals:approve') ? deps.approvals.pending(viewer) : [],
        can(viewer, 'audit:view') ? deps.audit.list(viewer, { limit: 8 }) : [],
        prisma.user.count({ where: { accountId, status: 'active', roles: { some: { role: { key: ADMIN_ROLE } } } } }),
        prisma.account.findUniqueOrThrow({
          where: { id: accountId },
          select: { slug: true, slackTeamId: true, slackEnterpriseId: true, ownerId: true },
        }),
      ]);
      return {
        seats,
        expiringInvites: expiring.map((i) => ({ email: i.user.email, expiresAt: i.expiresAt })),
        expiredInvites: expired,
        approvals: approvals.slice(0, 5),
        recent,
        activeAdmins,
        canManage: can(viewer, 'users:manage'),
        isOwner: !!viewer.userId && account.ownerId === viewer.userId,
        account: { slug: account.slug, teamId: account.slackTeamId ?? account.slackEnterpriseId },
      };
    },
  };
}
