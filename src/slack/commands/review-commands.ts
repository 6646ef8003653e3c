/**
 * `/users review`: your page of rows to review, and for admins start, status, report, close and
 * reassign (src/domain/reviews/; starting, closing and reassigning are changes).
 */
import type { AssignedReviewer } from '../../domain/changes/review-start-change';
import { formatWhen } from '../../domain/format-when';
import { describeScope, type ReviewScope } from '../../domain/reviews/review-scope';
import type { ReviewStatus } from '../../domain/reviews/review-service';
import { uploadReviewReport } from '../review-files';
import type { SlackServices } from '../services';
import { submitChange } from '../submit-change';
import { fitList } from '../views/block-limits';
import { escapeMrkdwn } from '../views/format';
import { campaignTitle, reviewPageMessage } from '../views/review-page-message';
import type { CommandHandler } from './command-context';
import type { CommandOf } from './users-command';

type ReviewCommand<A extends CommandOf<'review'>['action']> = Extract<CommandOf<'review'>, { action: A }>;
type NumberedCommand = Extract<CommandOf<'review'>, { action: 'report' | 'close' }>;

/** DMs a reviewer their first page; false when they could not be reached in Slack. */
export async function tellReviewer(
  services: SlackServices,
  reviewer: AssignedReviewer | { id: string; email: string; slackUserId: string | null },
  number: number,
  intro: string,
): Promise<boolean> {
  const page = await services.reviews.pageFor(reviewer.id, { number });
  const message = reviewPageMessage(page, intro);
  if (reviewer.slackUserId) {
    await services.dm.toUser(reviewer.slackUserId, message);
    return true;
  }
  return (await services.dm.toEmail(reviewer.email, message)) === 'sent';
}

const start: CommandHandler<ReviewCommand<'start'>> = async (command, { services, actor, respond }) => {
  const change = {
    kind: 'review-start' as const,
    scope: command.scope,
    reviewers: command.reviewers,
    onOverdue: command.onOverdue,
    ...(command.name ? { name: command.name } : {}),
    ...('days' in command.due ? { dueDays: command.due.days } : { dueAt: command.due.at }),
  };
  await respond(
    await submitChange(services, actor, change, async (started) => {
      const unreached: string[] = [];
      for (const reviewer of started.reviewers) {
        const intro = `:clipboard: ${actor.email} started an access review: you have ${reviewer.rows} row${reviewer.rows === 1 ? '' : 's'} to review by ${formatWhen(started.campaign.dueAt)}.`;
        const reached = await tellReviewer(services, reviewer, started.campaign.number, intro).catch((err: unknown) => {
          services.logger.warn({ err }, 'could not DM a reviewer');
          return false;
        });
        if (!reached) unreached.push(reviewer.email);
      }
      const who = started.reviewers.map((r) => `${r.email} (${r.rows})`).join(', ');
      return {
        text: `:clipboard: Started ${campaignTitle(started.campaign)}: ${started.rows} rows for ${started.users} users, due ${formatWhen(started.campaign.dueAt)}. Reviewers: ${who}.${unreached.length ? ` :warning: ${unreached.join(', ')} could not be reached in Slack; they see their rows with \`/users review\`.` : ' Each has a DM with their rows.'} Follow it with \`/users review status ${started.campaign.number}\`.`,
      };
    }),
  );
};

function statusText(status: ReviewStatus): string {
  const { campaign } = status;
  if (campaign.status === 'failed') {
    return `*${campaignTitle(campaign)}* — did not start ${campaign.closedAt ? formatWhen(campaign.closedAt) : ''}: ${escapeMrkdwn(campaign.closeReason ?? '')}`;
  }
  const total = status.reviewers.reduce((n, r) => n + r.total, 0);
  const open = status.reviewers.reduce((n, r) => n + r.open, 0);
  const head =
    campaign.status === 'open'
      ? `*${campaignTitle(campaign)}* — ${total - open} of ${total} decided, due ${formatWhen(campaign.dueAt)}${campaign.overdueAt ? ' (overdue)' : ''}`
      : `*${campaignTitle(campaign)}* — closed ${campaign.closedAt ? formatWhen(campaign.closedAt) : ''} (${campaign.closeReason ?? 'closed'}); report: \`/users review report ${campaign.number}\``;
  const scope = `Scope: ${escapeMrkdwn(describeScope(campaign.scope as ReviewScope))} · started by ${campaign.startedByEmail}`;
  const lines = status.reviewers.map(
    (r) =>
      `• ${r.reviewerEmail}: ${r.total - r.open}/${r.total} decided${r.awaiting ? `, ${r.awaiting} waiting for approval` : ''}`,
  );
  return [head, scope, ...(campaign.status === 'open' ? [fitList(lines, 2500)] : [])].join('\n');
}

const status: CommandHandler<ReviewCommand<'status'>> = async (command, { services, actor, respond }) => {
  const statuses = await services.reviews.status(actor, command.number);
  if (statuses.length === 0) {
    await respond({
      text: 'No access reviews yet. Start one with `/users review start --role admin --reviewer owner --due 14d`.',
    });
    return;
  }
  await respond({ text: statuses.map(statusText).join('\n\n') });
};

const report: CommandHandler<NumberedCommand> = async (command, { services, actor, respond, slackUserId }) => {
  const found = await services.reviews.report(actor, { number: command.number });
  const state = found.campaign.status === 'open' ? 'so far (the review is still open)' : 'as closed';
  await uploadReviewReport(
    services.client,
    slackUserId,
    found,
    `${campaignTitle(found.campaign)}: every row and its decision, ${state}.`,
  );
  await respond({
    text: `:page_facing_up: The report of ${campaignTitle(found.campaign)} (CSV and JSON) is in your DM with Roster.`,
  });
};

const close: CommandHandler<NumberedCommand> = async (command, { services, actor, respond }) => {
  const campaign = await services.reviews.campaign({ number: command.number });
  await respond(
    await submitChange(services, actor, { kind: 'review-close', campaign: campaign.id, reason: 'closed' }, () => ({
      text: `:lock: Closed ${campaignTitle(campaign)}; rows still open are recorded as not reviewed. The owner gets the report by DM; \`/users review report ${campaign.number}\` sends it to you now.`,
    })),
  );
};

const reassign: CommandHandler<ReviewCommand<'reassign'>> = async (command, { services, actor, respond }) => {
  const campaign = await services.reviews.campaign({ number: command.number });
  const change = { kind: 'review-reassign' as const, campaign: campaign.id, from: command.from, to: command.to };
  await respond(
    await submitChange(services, actor, change, async (moved) => {
      if (moved.moved > 0) {
        const intro = `:clipboard: ${actor.email} gave you ${moved.moved} row${moved.moved === 1 ? '' : 's'} of ${moved.from} to review.`;
        await tellReviewer(services, moved.to, campaign.number, intro).catch((err: unknown) =>
          services.logger.warn({ err }, 'could not DM a reviewer'),
        );
      }
      return {
        text: `:white_check_mark: ${moved.moved} open row${moved.moved === 1 ? '' : 's'} of ${moved.from} now ${moved.moved === 1 ? 'goes' : 'go'} to ${moved.to.email}.${moved.kept ? ` ${moved.kept} stay${moved.kept === 1 ? 's' : ''} with ${moved.from}: ${moved.kept === 1 ? 'it is' : 'they are'} about ${moved.to.email}, who does not review their own access.` : ''}`,
      };
    }),
  );
};

/** Dispatches `/users review` by action. */
export const review: CommandHandler<CommandOf<'review'>> = async (command, context) => {
  if (command.action === 'start') return start(command, context);
  if (command.action === 'status') return status(command, context);
  if (command.action === 'report') return report(command, context);
  if (command.action === 'close') return close(command, context);
  if (command.action === 'reassign') return reassign(command, context);
  await context.respond(reviewPageMessage(await context.services.reviews.page(context.actor, { number: command.number })));
};
