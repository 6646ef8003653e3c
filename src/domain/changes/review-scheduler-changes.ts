/**
 * The scheduler's part in access reviews as changes: reminders of open rows, and the owner told once a
 * campaign is past due (its overdue rule then runs in src/scheduler/review-work.ts).
 */
import { findCampaignOfPeriod, nextCampaignNumber, type ReviewCampaign } from '../../store/reviews/review-reads';
import {
  claimDueReminders,
  claimOverdueCampaigns,
  createFailedCampaign,
  findOpenReviewers,
} from '../../store/reviews/review-writes';
import type { AuditEntry } from '../audit/audit-service';
import { DAY_MS } from '../clock';
import type { ChangeHandler } from './change-handler';
import { touchingNoUser } from './change-handler';
import { REMIND_EVERY_DAYS } from './review-start-change';
import { schedulerOnly } from './scheduler-changes';

/**
 * Campaigns whose reminder is due: each reviewer with open rows gets a reminder queued (sent by the
 * scheduler), and the next is set (every few days; daily once the campaign is past due). One batch.
 */
export const reviewRemind: ChangeHandler<'review-remind', { reminded: number; campaigns: number }> = {
  permissions: () => [],
  async apply(context, change) {
    schedulerOnly(context.actor);
    const { tx, accountId } = context;
    const now = context.clock.now();
    const due = await claimDueReminders(
      tx,
      accountId,
      now,
      { every: REMIND_EVERY_DAYS * DAY_MS, afterDue: DAY_MS },
      change.batch,
    );
    let reminded = 0;
    const audit: AuditEntry[] = [];
    for (const campaign of due) {
      const reviewers = await findOpenReviewers(tx, campaign.id);
      await context.outbox.queue(
        tx,
        reviewers.map((r) => ({ rule: 'review-reminder', subjectId: campaign.id, occasion: `${r.reviewerId}:${now.getTime()}` })),
      );
      reminded += reviewers.length;
      if (reviewers.length > 0) {
        audit.push({
          action: 'review.reminded',
          after: { campaign: campaign.number, reviewers: reviewers.length, openRows: reviewers.reduce((n, r) => n + r.open, 0) },
        });
      }
    }
    const outcome = `${reminded} reviewers reminded in ${due.length} access reviews.`;
    return touchingNoUser({ reminded, campaigns: due.length }, { stored: change, summary: outcome, outcome, audit });
  },
};

/**
 * Campaigns past their due date whose overdue rule has not run: the owner is told (a notice), once;
 * `remind` campaigns stay open and are reminded daily. A `revoke-access` campaign's open rows are
 * removed and it is closed by the scheduler after this change (review-work.ts), each removal a change.
 */
export const reviewOverdue: ChangeHandler<'review-overdue', { overdue: ReviewCampaign[] }> = {
  permissions: () => [],
  async apply(context, change) {
    schedulerOnly(context.actor);
    const { tx, accountId } = context;
    const overdue = await claimOverdueCampaigns(tx, accountId, context.clock.now(), change.batch);
    await context.outbox.queue(
      tx,
      overdue.map((campaign) => ({ rule: 'review-overdue', subjectId: campaign.id })),
    );
    const outcome = `${overdue.length} access reviews are past due.`;
    return touchingNoUser(
      { overdue },
      {
        stored: change,
        summary: outcome,
        outcome,
        audit: overdue.map((campaign) => ({
          action: 'review.overdue',
          after: { campaign: campaign.number, name: campaign.name, onOverdue: campaign.onOverdue },
        })),
      },
    );
  },
};

/**
 * A scheduled review that could not start this period: a campaign of status `failed` with the reason and
 * no rows, so the period is not tried again on every pass (its unique period key), the owner is told once
 * (a notice), and `/users review status` shows why. The next period tries again.
 */
export const reviewNotStarted: ChangeHandler<'review-not-started', { campaign: ReviewCampaign | null }> = {
  permissions: () => [],
  async apply(context, change) {
    schedulerOnly(context.actor);
    const { tx, accountId } = context;
    const periodKey = `${change.schedule.name}@${change.schedule.periodKey}`;
    const outcome = `The scheduled access review “${change.schedule.name}” did not start: ${change.reason}`;
    if (await findCampaignOfPeriod(tx, accountId, periodKey)) {
      return touchingNoUser({ campaign: null }, { stored: change, summary: outcome, outcome, audit: [] });
    }
    const now = context.clock.now();
    const campaign = await createFailedCampaign(tx, {
      accountId,
      number: await nextCampaignNumber(tx, accountId),
      name: change.schedule.name,
      schedule: change.schedule.name,
      periodKey,
      reason: change.reason,
      at: now,
    });
    await context.outbox.queue(tx, [{ rule: 'review-not-started', subjectId: campaign.id }]);
    return touchingNoUser(
      { campaign },
      {
        stored: change,
        summary: outcome,
        outcome,
        audit: [
          { action: 'review.not-started', after: { campaign: campaign.number, name: campaign.name, reason: change.reason } },
        ],
      },
    );
  },
};
