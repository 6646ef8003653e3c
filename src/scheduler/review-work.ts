/**
 * The scheduler's part in access reviews: starting the catalog's scheduled reviews (one campaign per
 * review and period, whichever replica gets there first), reminding reviewers, acting on overdue
 * campaigns (`revoke-access` removes what is still open, each removal a change, then closes), and
 * sending the reviews' notices.
 */
import { systemActor } from '../domain/access/actor';
import type { ChangeOf } from '../domain/changes/directory-change';
import { DAY_MS } from '../domain/clock';
import { REVIEWER_RULES, type ReviewerRule, type ScheduledReview } from '../domain/reviews/review-scope';
import type { ReviewService } from '../domain/reviews/review-service';
import { isRosterError } from '../errors';
import { findAccountWithOwner } from '../store/accounts/account-reads';
import { findCampaign, findCampaignOfPeriod, findOpenRows, findOverdueRevokeCampaigns } from '../store/reviews/review-reads';
import { isUniqueViolation } from '../store/tx';
import { findUserById } from '../store/users/user-reads';
import { BATCH, type DueWorkDeps } from './due-work';
import { type SendDeps, sendClaimed } from './send-notices';

const SCHEDULER = systemActor('scheduler');

/** Removals submitted together when an overdue campaign removes what is still open. */
const REMOVAL_BATCH = 100;

/** The period a scheduled review is in at `now`: `name@n`, n counting `everyDays` from the epoch. */
export function reviewPeriodKey(review: Pick<ScheduledReview, 'name' | 'everyDays'>, now: Date): string {
  return `${review.name}@${Math.floor(now.getTime() / (review.everyDays * DAY_MS))}`;
}

/** A scheduled review's reviewers as a change names them: rules, or people by e-mail. */
function reviewersOf(review: ScheduledReview): ChangeOf<'review-start'>['reviewers'] {
  return review.reviewers.map((r) =>
    (REVIEWER_RULES as readonly string[]).includes(r) ? (r as ReviewerRule) : { email: r.toLowerCase() },
  );
}

/**
 * Starts each of the policy's scheduled reviews that has no campaign for its current period. One that
 * another replica started first (the unique period key) or that finds nothing to review starts nothing
 * now; the latter is tried again next pass.
 */
export async function startScheduledReviews(deps: DueWorkDeps): Promise<number> {
  let started = 0;
  for (const review of deps.policy.reviews) {
    const key = reviewPeriodKey(review, deps.clock.now());
    if (await findCampaignOfPeriod(deps.prisma, deps.accountId, key)) continue;
    const schedule = { name: review.name, periodKey: key.slice(review.name.length + 1) };
    try {
      await deps.changes.submit(SCHEDULER, {
        kind: 'review-start',
        scope: review.scope,
        reviewers: reviewersOf(review),
        dueDays: review.dueDays,
        onOverdue: review.onOverdue,
        schedule,
      });
      started += 1;
    } catch (error) {
      // Started meanwhile by another replica.
      if (isUniqueViolation(error) || (isRosterError(error) && error.code === 'conflict')) continue;
      if (!isRosterError(error)) throw error;
      // Nothing in scope, a group or reviewer gone: recorded for the period (not tried on every pass), the owner told.
      deps.logger?.warn({ review: review.name, reason: error.message }, 'a scheduled access review did not start');
      await deps.changes.submit(SCHEDULER, { kind: 'review-not-started', schedule, reason: error.message.slice(0, 500) });
    }
  }
  return started;
}

/** Reviewers with open rows in campaigns whose reminder is due get a reminder queued; returns how many. */
export async function remindReviewers(deps: DueWorkDeps): Promise<number> {
  let total = 0;
  for (;;) {
    const done = await deps.changes.submit(SCHEDULER, { kind: 'review-remind', batch: deps.batchSize ?? BATCH });
    if (done.status !== 'done') break;
    total += done.result.reminded;
    if (done.result.campaigns < (deps.batchSize ?? BATCH)) break;
  }
  return total;
}

/**
 * Campaigns past due: the owner is told once (`review-overdue`); those whose rule is `revoke-access`
 * have every open row's access removed (a `review-decide` change each, so a removal the directory's rules
 * refuse stays open) and are closed as overdue. Returns the rows removed.
 */
export async function actOnOverdueReviews(deps: DueWorkDeps, signal?: AbortSignal): Promise<number> {
  await deps.changes.submit(SCHEDULER, { kind: 'review-overdue', batch: deps.batchSize ?? BATCH });
  let removed = 0;
  for (const campaign of await findOverdueRevokeCampaigns(deps.prisma, deps.accountId, deps.clock.now())) {
    let after = -1;
    for (;;) {
      if (signal?.aborted) return removed;
      const rows = await findOpenRows(deps.prisma, campaign.id, after, REMOVAL_BATCH);
      if (rows.length === 0) break;
      after = rows[rows.length - 1]?.position ?? after;
      const outcomes = await deps.changes.submitBatch(
        SCHEDULER,
        rows.map((row) => ({
          kind: 'review-decide',
          campaign: campaign.id,
          rows: [row.id],
          decision: 'remove',
          note: 'Not reviewed by the due date: removed by the review’s overdue rule.',
        })),
      );
      removed += outcomes.filter((o) => o.status === 'done').length;
    }
    await deps.changes
      .submit(SCHEDULER, { kind: 'review-close', campaign: campaign.id, reason: 'overdue' })
      .catch((error: unknown) => {
        // Closed meanwhile (its last row decided by a removal above): nothing left to do.
        if (!isRosterError(error)) throw error;
      });
  }
  return removed;
}

/** What sending the reviews' notices needs besides the other sends'. */
export type ReviewSendDeps = SendDeps & { reviews: ReviewService };

const NOTICE_BATCH = 50;

/** The reviewer a notice is for: the third part of its key (`rule:campaign:reviewer[:time]`). */
const reviewerOf = (dedupeKey: string) => dedupeKey.split(':')[2] ?? '';

/** Sends the reviews' notices: new reviewers' pages, reminders, the owner's overdue notice and report. */
export async function sendReviewNotices(deps: ReviewSendDeps): Promise<number> {
  const settle = (rule: string, send: (notice: { subjectId: string; dedupeKey: string }) => Promise<void>) =>
    sendClaimed(deps, rule, NOTICE_BATCH, send);
  const owner = async () => (await findAccountWithOwner(deps.prisma, deps.accountId)).owner;
  let sent = 0;
  for (const rule of ['review-assigned', 'review-reminder'] as const) {
    sent += await settle(rule, async (notice) => {
      const campaign = await findCampaign(deps.prisma, deps.accountId, { id: notice.subjectId });
      const reviewer = await findUserById(deps.prisma, reviewerOf(notice.dedupeKey));
      if (campaign?.status !== 'open' || reviewer?.status !== 'active') return;
      const page = await deps.reviews.pageFor(reviewer.id, { number: campaign.number });
      if (!page) return;
      await deps.notifier.reviewPage(reviewer, page, rule === 'review-assigned' ? 'assigned' : 'reminder');
    });
  }
  sent += await settle('review-overdue', async (notice) => {
    const campaign = await findCampaign(deps.prisma, deps.accountId, { id: notice.subjectId });
    const to = await owner();
    if (!campaign || !to) return;
    const status = await deps.reviews.statusOf(campaign.id);
    const late = status.reviewers.filter((r) => r.open > 0).map((r) => ({ email: r.reviewerEmail, open: r.open }));
    await deps.notifier.reviewOverdue(to, campaign, late);
  });
  sent += await settle('review-not-started', async (notice) => {
    const campaign = await findCampaign(deps.prisma, deps.accountId, { id: notice.subjectId });
    const to = await owner();
    if (campaign && to) await deps.notifier.reviewNotStarted(to, campaign);
  });
  sent += await settle('review-report', async (notice) => {
    const to = await owner();
    if (!to) return;
    if (!(await deps.notifier.reviewReport(to, await deps.reviews.reportFor(notice.subjectId)))) {
      deps.logger.warn(
        { campaign: notice.subjectId },
        'the owner is not in the Slack workspace: an access review report was not sent',
      );
    }
  });
  return sent;
}
