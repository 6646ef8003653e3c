/**
 * A reviewer's page of an access review, as a DM, an ephemeral message and App Home show it: each
 * row (who, what is under review, last sign-in, invited by and when) with Keep, Remove access and
 * Revoke user, Keep for the rest of the page, Keep for everything left (confirmed), and paging.
 */
import { Bits, Blocks, Elements, Message } from 'slack-block-builder';
import { z } from 'zod';
import { formatWhen } from '../../domain/format-when';
import { accessLabel } from '../../domain/reviews/review-scope';
import type { ReviewPage, ReviewReport } from '../../domain/reviews/review-service';
import type { ReviewCampaign, ReviewRowView } from '../../store/reviews/review-reads';
import { ACTIONS } from '../ids';
import type { Reply } from '../reply';
import { fitList } from './block-limits';
import { escapeMrkdwn } from './format';

/** What a review button carries: the campaign, its number, the page, and the rows it is about. */
export const reviewButtonSchema = z.object({
  c: z.uuid(),
  n: z.number().int().min(1),
  p: z.number().int().min(1).max(100_000),
  r: z.array(z.uuid()).max(20).optional(),
});
export type ReviewButton = z.infer<typeof reviewButtonSchema>;

const value = (button: ReviewButton) => JSON.stringify(button);

/** `Access review #3 “Q4 admins”`, the name escaped for mrkdwn. */
export function campaignTitle(campaign: Pick<ReviewCampaign, 'number' | 'name'>): string {
  return `Access review #${campaign.number} “${escapeMrkdwn(campaign.name)}”`;
}

function rowText(row: ReviewRowView): string {
  const who = row.name ? `*${escapeMrkdwn(row.name)}* ${row.email}` : `*${row.email}*`;
  const seen = row.lastLoginAt ? `last sign-in ${formatWhen(row.lastLoginAt)}` : 'never signed in';
  const invited = row.invitedByEmail
    ? `invited by ${row.invitedByEmail}${row.invitedAt ? ` ${formatWhen(row.invitedAt)}` : ''}`
    : row.invitedAt
      ? `invited ${formatWhen(row.invitedAt)}`
      : 'not invited through Roster';
  const waiting =
    row.requestStatus === 'pending'
      ? '\n:hourglass: Your decision waits for an approver.'
      : row.requestId && row.requestStatus
        ? `\n:leftwards_arrow_with_hook: Your last decision was ${row.requestStatus}; decide again.`
        : '';
  return `${who} — ${escapeMrkdwn(accessLabel(row.access))}\n${seen} · ${invited}${waiting}`;
}

/** The rows of a page with their buttons (shared by messages and App Home). */
export function reviewPageBlocks(page: ReviewPage) {
  const { campaign } = page;
  const at = (rows?: string[]): ReviewButton => ({
    c: campaign.id,
    n: campaign.number,
    p: page.page,
    ...(rows ? { r: rows } : {}),
  });
  const blocks = [
    Blocks.Section({
      text: `*${campaignTitle(campaign)}* — ${page.open} left for you, due ${formatWhen(campaign.dueAt)}`,
    }),
  ];
  const rows = page.rows.flatMap((row) => {
    const waiting = row.requestStatus === 'pending';
    return [
      Blocks.Section({ text: rowText(row) }),
      waiting
        ? undefined
        : Blocks.Actions().elements(
            Elements.Button({ text: 'Keep', actionId: ACTIONS.reviewKeep, value: value(at([row.id])) }).primary(),
            Elements.Button({ text: 'Keep, with a note', actionId: ACTIONS.reviewKeepNote, value: value(at([row.id])) }),
            Elements.Button({ text: 'Remove access', actionId: ACTIONS.reviewRemove, value: value(at([row.id])) }),
            Elements.Button({ text: 'Revoke user', actionId: ACTIONS.reviewRevoke, value: value(at([row.id])) }).danger(),
          ),
    ];
  });
  const undecided = page.rows.filter((row) => row.requestStatus !== 'pending').map((row) => row.id);
  const more = [
    undecided.length > 1
      ? Elements.Button({ text: `Keep these ${undecided.length}`, actionId: ACTIONS.reviewKeepPage, value: value(at(undecided)) })
      : undefined,
    page.open > page.rows.length
      ? Elements.Button({ text: `Keep all ${page.open} left`, actionId: ACTIONS.reviewKeepAll, value: value(at()) }).confirm(
          Bits.ConfirmationDialog({
            title: 'Keep everything left?',
            text: `Keep the access of all ${page.open} rows left for you in this review, including those on other pages?`,
            confirm: 'Keep all',
            deny: 'Cancel',
          }),
        )
      : undefined,
    page.page > 1
      ? Elements.Button({ text: 'Previous', actionId: `${ACTIONS.reviewPage}.prev`, value: value({ ...at(), p: page.page - 1 }) })
      : undefined,
    page.page < page.pages
      ? Elements.Button({ text: 'Next', actionId: `${ACTIONS.reviewPage}.next`, value: value({ ...at(), p: page.page + 1 }) })
      : undefined,
  ].filter((button) => button !== undefined);
  const footer = [
    more.length > 0 ? Blocks.Actions().elements(...more) : undefined,
    Blocks.Context().elements(
      `Page ${page.page} of ${page.pages}${page.others.length ? ` · also waiting: ${page.others.map((c) => `#${c.number} (${c.open})`).join(', ')} — \`/users review <number>\`` : ''}`,
    ),
  ];
  return [...blocks, Blocks.Divider(), ...rows, ...footer].filter((block) => block !== undefined);
}

/** A reviewer's page as a message; `intro` leads it (a DM saying why it came). */
export function reviewPageMessage(page: ReviewPage | null, intro?: string): Reply {
  if (!page) return { text: intro ?? ':white_check_mark: Nothing waits for your review.' };
  const text = `${intro ? `${intro} ` : ''}${campaignTitle(page.campaign)}: ${page.open} left for you.`;
  const message = Message()
    .text(text)
    .blocks(...(intro ? [Blocks.Section({ text: intro })] : []), ...reviewPageBlocks(page));
  return { text, blocks: message.getBlocks() };
}

/** The owner's DM when a review is past due: who still has rows open, and what happens next. */
export function reviewOverdueText(campaign: ReviewCampaign, late: { email: string; open: number }[]): string {
  if (campaign.onOverdue === 'revoke-access') {
    return `:warning: ${campaignTitle(campaign)} passed its due date: the access still open was removed, as its rule says, and it closed. Its report follows.`;
  }
  const open = fitList(
    late.map((r) => `${r.email} (${r.open})`),
    1500,
    ', ',
  );
  return `:warning: ${campaignTitle(campaign)} is past due with rows open: ${open || 'none'}. Reviewers are reminded daily. Move someone’s rows with \`/users review reassign ${campaign.number} <from> <to>\`, or close it with \`/users review close ${campaign.number}\`.`;
}

/** What leads the scheduler's DM of a reviewer's page: a scheduled review started, or a reminder. */
export function scheduledReviewIntro(page: ReviewPage, why: 'assigned' | 'reminder'): string {
  const rows = `${page.open} row${page.open === 1 ? '' : 's'}`;
  return why === 'assigned'
    ? `:clipboard: A scheduled access review started: you have ${rows} to review by ${formatWhen(page.campaign.dueAt)}.`
    : `:bell: Reminder: ${rows} still wait for your review, due ${formatWhen(page.campaign.dueAt)}.`;
}

/** The owner's DM when a scheduled review could not start this period. */
export function reviewNotStartedText(campaign: ReviewCampaign): string {
  return `:warning: The scheduled access review “${escapeMrkdwn(campaign.name)}” did not start this period: ${escapeMrkdwn(campaign.closeReason ?? 'no reason given')} It is tried again next period; start one by hand with \`/users review start\`.`;
}

/** The comment on a closed review's report files. */
export function reviewReportComment(report: ReviewReport): string {
  const decided = report.rows.filter((row) => row.decision !== 'not-reviewed').length;
  return `:lock: ${campaignTitle(report.campaign)} closed (${report.campaign.closeReason ?? 'closed'}): ${decided} of ${report.rows.length} rows decided. Every row, decision, decider, time and change is in these files; an API key with \`audit:view\` gets them at /api/v1/reviews/${report.campaign.id}/report.`;
}
