/**
 * What App Home shows one viewer: seats, invites expiring soon, invites that expired lately (to
 * re-invite), approvals waiting for them, recent changes.
 */
import { readAccountNaming } from '../../store/accounts/account-reads';
import { findPendingRequestsBy } from '../../store/approvals/approval-request-reads';
import { findInvitesExpiringBetween, findLatestExpiries } from '../../store/invites/invite-notice-reads';
import type { Store } from '../../store/tx';
import { countActiveHolders, findUserEmails } from '../../store/users/user-reads';
import { type Actor, can } from '../access/actor';
import type { SettingsDefaults } from '../account/account-settings';
import type { ApprovalRequestView, ApprovalService } from '../approvals/approval-service';
import { type ApproverSetup, lacksApprovers, readApproverSetup } from '../approvals/approver-setup';
import type { AuditEventView, AuditService } from '../audit/audit-service';
import { addHours, type Clock } from '../clock';
import type { DirectoryService, Seats } from '../directory/directory-service';
import type { GrantService, OwnGrant } from '../grants/grant-service';
import type { ReviewPage, ReviewService, ReviewStatus } from '../reviews/review-service';
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
  /** Only for the owner, while the account has fewer approvers than its approval policy needs. */
  approverSetup?: ApproverSetup;
  /** The first page of the access review rows waiting for the viewer, if any. */
  review: ReviewPage | null;
  /** Open access reviews the viewer may follow (the owner, holders of `audit:view`, their reviewers), with progress. */
  reviews: ReviewStatus[];
  /** The viewer's own time-bound access: in force, or ended in the last day. */
  grants: OwnGrant[];
  /** The viewer's own requests still waiting for an approver. */
  myRequests: { id: string; summary: string; expiresAt: Date }[];
}

/** How far back App Home looks for expired invites, and how many it lists. */
export const RECENTLY_EXPIRED_DAYS = 14;
export const RECENTLY_EXPIRED_MAX = 10;

export type HomeService = ReturnType<typeof createHomeService>;

export function createHomeService(deps: {
  prisma: Store;
  accountId: string;
  clock: Clock;
  directory: DirectoryService;
  approvals: ApprovalService;
  audit: AuditService;
  reviews: ReviewService;
  grants: Pick<GrantService, 'own'>;
  /** The deployment's settings, under the account's own: whether approvals are on and what the policy needs. */
  settingsDefaults?: SettingsDefaults;
}) {
  const { prisma, accountId, clock } = deps;

  /** A user re-invited and expired again has several expired invites: the latest counts. */
  async function recentlyExpired(now: Date): Promise<HomeSummary['expiredInvites']> {
    const latest = await findLatestExpiries(
      prisma,
      accountId,
      addHours(now, -24 * RECENTLY_EXPIRED_DAYS),
      now,
      RECENTLY_EXPIRED_MAX,
    );
    const users = await findUserEmails(
      prisma,
      latest.map((row) => row.userId),
    );
    const emails = new Map(users.map((user) => [user.id, user.email]));
    return latest.flatMap((row) => {
      const email = emails.get(row.userId);
      return email && row.expiresAt ? [{ email, expiredAt: row.expiresAt }] : [];
    });
  }

  return {
    async summary(viewer: Actor): Promise<HomeSummary> {
      const now = clock.now();
      const canView = can(viewer, 'users:view');
      const [seats, expiring, expired, approvals, recent, activeAdmins, account, review, reviews, grants, myRequests] =
        await Promise.all([
          deps.directory.seatUsage(),
          canView ? findInvitesExpiringBetween(prisma, accountId, now, addHours(now, 24), 10) : [],
          canView ? recentlyExpired(now) : [],
          can(viewer, 'approvals:approve') ? deps.approvals.pending(viewer) : [],
          can(viewer, 'audit:view') ? deps.audit.list(viewer, { limit: 8 }) : [],
          countActiveHolders(prisma, accountId, ADMIN_ROLE),
          readAccountNaming(prisma, accountId),
          deps.reviews.page(viewer),
          deps.reviews.status(viewer).then((all) => all.filter((status) => status.campaign.status === 'open')),
          deps.grants.own(viewer),
          viewer.userId ? findPendingRequestsBy(prisma, accountId, viewer.userId, 5) : [],
        ]);
      const isOwner = !!viewer.userId && account.ownerId === viewer.userId;
      const setup =
        isOwner && deps.settingsDefaults ? await readApproverSetup(prisma, accountId, deps.settingsDefaults) : undefined;
      return {
        seats,
        expiringInvites: expiring.map((i) => ({ email: i.user.email, expiresAt: i.expiresAt })),
        expiredInvites: expired,
        approvals: approvals.slice(0, 5),
        recent,
        activeAdmins,
        canManage: can(viewer, 'users:manage'),
        isOwner,
        account: { slug: account.slug, teamId: account.slackTeamId ?? account.slackEnterpriseId },
        approverSetup: setup && lacksApprovers(setup) ? setup : undefined,
        review,
        reviews,
        grants,
        myRequests: myRequests.map((r) => ({ id: r.id, summary: r.summary, expiresAt: r.expiresAt })),
      };
    },
  };
}
