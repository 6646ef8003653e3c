/**
 * What access reviews show (their writes are changes, review-changes.ts): a reviewer's page of open
 * rows, the campaigns waiting for someone, a campaign's progress per reviewer, and a closed or open
 * campaign's evidence report as CSV and JSON.
 */
import { stringify } from 'csv-stringify/sync';
import { fail } from '../../errors';
import { readAccountNaming } from '../../store/accounts/account-reads';
import {
  findCampaign,
  findCampaignsWaitingFor,
  findReportRows,
  findReviewerPage,
  findReviewerProgress,
  findRows,
  listCampaigns,
  type ReviewCampaign,
  type ReviewerProgress,
  type ReviewRow,
  type ReviewRowView,
} from '../../store/reviews/review-reads';
import type { Store } from '../../store/tx';
import { type Actor, can } from '../access/actor';

/** Rows a reviewer's page shows. */
export const REVIEW_PAGE_SIZE = 10;

/** One page of a reviewer's open rows in one campaign. */
export interface ReviewPage {
  campaign: ReviewCampaign;
  rows: ReviewRowView[];
  /** Open rows of the reviewer in the campaign, in all. */
  open: number;
  page: number;
  pages: number;
  /** Other campaigns with open rows for the reviewer. */
  others: (ReviewCampaign & { open: number })[];
}

/** A campaign and how far each reviewer is. */
export interface ReviewStatus {
  campaign: ReviewCampaign;
  reviewers: ReviewerProgress[];
}

/** A campaign's evidence: every row with its decision, decider, time and what it changed. */
export interface ReviewReport {
  campaign: ReviewCampaign;
  rows: ReviewRowView[];
}

export type ReviewService = ReturnType<typeof createReviewService>;

export function createReviewService(deps: { prisma: Store; accountId: string }) {
  const { prisma, accountId } = deps;

  async function campaignOf(key: { id: string } | { number: number }): Promise<ReviewCampaign> {
    const campaign = await findCampaign(prisma, accountId, key);
    if (!campaign) {
      throw fail.notFound(
        'number' in key
          ? `There is no access review #${key.number}. \`/users review status\` lists them.`
          : 'There is no such access review.',
      );
    }
    return campaign;
  }

  /**
   * Whether `viewer` sees a campaign's progress: holders of `audit:view`, its reviewers, and the owner
   * (`isOwner`, read once for all the campaigns a status shows, and only when needed).
   */
  async function mayWatch(viewer: Actor, status: ReviewerProgress[], isOwner: () => Promise<boolean>): Promise<boolean> {
    return can(viewer, 'audit:view') || status.some((r) => r.reviewerId === viewer.userId) || (await isOwner());
  }

  async function pageFor(reviewerId: string, options: { number?: number; page?: number } = {}): Promise<ReviewPage | null> {
    const waiting = await findCampaignsWaitingFor(prisma, accountId, reviewerId);
    const campaign = options.number !== undefined ? await campaignOf({ number: options.number }) : (waiting[0] ?? null);
    if (!campaign) return null;
    const others = waiting.filter((c) => c.id !== campaign.id);
    const read = (page: number) =>
      findReviewerPage(prisma, campaign.id, reviewerId, { skip: (page - 1) * REVIEW_PAGE_SIZE, take: REVIEW_PAGE_SIZE });
    let page = Math.max(1, options.page ?? 1);
    let found = await read(page);
    const pages = Math.max(1, Math.ceil(found.open / REVIEW_PAGE_SIZE));
    // Rows decided since the page was drawn move the rest up: a page past the end shows the last one.
    if (page > pages) {
      page = pages;
      found = await read(page);
    }
    return { campaign, rows: found.rows, open: found.open, page, pages, others };
  }

  return {
    campaign: campaignOf,

    /** The campaigns in which `viewer` has rows to review, due soonest first. */
    waitingFor(viewer: Actor): Promise<(ReviewCampaign & { open: number })[]> {
      if (!viewer.userId) return Promise.resolve([]);
      return findCampaignsWaitingFor(prisma, accountId, viewer.userId);
    },

    /**
     * A page (from 1) of `viewer`'s open rows in campaign `number`, or in the one due soonest; null when
     * nothing waits for them.
     */
    page(viewer: Actor, options: { number?: number; page?: number } = {}): Promise<ReviewPage | null> {
      return viewer.userId ? pageFor(viewer.userId, options) : Promise.resolve(null);
    },

    /** The same page for a reviewer by id (the DM a new or moved reviewer gets). */
    pageFor,

    /** Row `rowId` of campaign `campaignId` when it is open and `viewer`'s to review; null otherwise. */
    async openRow(viewer: Actor, campaignId: string, rowId: string): Promise<ReviewRow | null> {
      const [row] = await findRows(prisma, campaignId, [rowId]);
      return row && row.accountId === accountId && row.decision === null && row.reviewerId === viewer.userId ? row : null;
    },

    /** Campaign `number`'s progress per reviewer; without a number, the open campaigns (and the last closed ones). */
    async status(viewer: Actor, number?: number): Promise<ReviewStatus[]> {
      const campaigns =
        number !== undefined ? [await campaignOf({ number })] : await listCampaigns(prisma, accountId, { take: 5 });
      const statuses: ReviewStatus[] = [];
      let owner: Promise<boolean> | undefined;
      const isOwner = () => {
        owner ??= readAccountNaming(prisma, accountId).then(
          (account) => viewer.userId !== null && account.ownerId === viewer.userId,
        );
        return owner;
      };
      for (const campaign of campaigns) {
        const reviewers = await findReviewerProgress(prisma, campaign.id);
        if (await mayWatch(viewer, reviewers, isOwner)) statuses.push({ campaign, reviewers });
        else if (number !== undefined)
          throw fail.forbidden('Only the owner, its reviewers and holders of `audit:view` see that review.');
      }
      return statuses;
    },

    /** A campaign's progress by id, for the scheduler's notices (nobody's permission asked). */
    async statusOf(id: string): Promise<ReviewStatus> {
      const campaign = await campaignOf({ id });
      return { campaign, reviewers: await findReviewerProgress(prisma, campaign.id) };
    },

    /** A campaign's report; needs `audit:view` (the owner holds it as an Admin). */
    async report(viewer: Actor, key: { id: string } | { number: number }): Promise<ReviewReport> {
      if (!can(viewer, 'audit:view')) throw fail.forbidden('You need the `audit:view` permission for review reports.');
      const campaign = await campaignOf(key);
      return { campaign, rows: await findReportRows(prisma, campaign.id) };
    },

    /** The report of a campaign by id, for the scheduler's DM to the owner (nobody's permission asked). */
    async reportFor(id: string): Promise<ReviewReport> {
      const campaign = await campaignOf({ id });
      return { campaign, rows: await findReportRows(prisma, campaign.id) };
    },
  };
}

/** What a row's decision changed, as the report says it: the outcome, or the approval it waits or waited for. */
function changeOf(row: ReviewRowView): string {
  if (row.decision === null || row.decision === 'not-reviewed') {
    return row.requestId ? `approval request ${row.requestId} ${row.requestStatus ?? 'unknown'}` : '';
  }
  return row.outcome ?? '';
}

/** A report's rows as the JSON body gives them. */
export function reportJson(report: ReviewReport) {
  const { campaign } = report;
  return {
    campaign: {
      id: campaign.id,
      number: campaign.number,
      name: campaign.name,
      scope: campaign.scope,
      status: campaign.status,
      onOverdue: campaign.onOverdue,
      startedBy: campaign.startedByEmail,
      startedAt: campaign.createdAt.toISOString(),
      dueAt: campaign.dueAt.toISOString(),
      closedAt: campaign.closedAt?.toISOString() ?? null,
      closedBy: campaign.closedByEmail,
      closeReason: campaign.closeReason,
    },
    rows: report.rows.map((row) => ({
      email: row.email,
      name: row.name,
      access: row.access,
      reviewer: row.reviewerEmail,
      decision: row.decision,
      note: row.note,
      decidedBy: row.decidedByEmail,
      decidedAt: row.decidedAt?.toISOString() ?? null,
      change: changeOf(row),
      approvalRequest: row.requestId,
      approvalStatus: row.requestStatus,
      lastSignIn: row.lastLoginAt?.toISOString() ?? null,
      invitedBy: row.invitedByEmail,
      invitedAt: row.invitedAt?.toISOString() ?? null,
    })),
  };
}

/** A report as CSV: one line per row, with the campaign's number and name on each. */
export function reportCsv(report: ReviewReport): string {
  const json = reportJson(report);
  return stringify(
    json.rows.map((row) => ({ campaign: json.campaign.number, campaignName: json.campaign.name, ...row })),
    {
      header: true,
      columns: [
        'campaign',
        'campaignName',
        'email',
        'name',
        'access',
        'reviewer',
        'decision',
        'note',
        'decidedBy',
        'decidedAt',
        'change',
        'approvalRequest',
        'approvalStatus',
        'lastSignIn',
        'invitedBy',
        'invitedAt',
      ],
      // A cell a spreadsheet would run as a formula (= + - @ tab CR first) gets a leading ' and shows as text.
      escape_formulas: true,
    },
  );
}
